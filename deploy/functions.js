// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * The Lambda functions Guardrail deploys: serverless.yml's function names, the TypeScript entry each one is
 * bundled from (scripts/bundle.mjs writes `<buildDir>/<name>/index.mjs` with its chunks, and `<buildDir>/<name>.zip`),
 * and the timeouts. serverless.yml reads timeouts, artifacts and queue visibility timeouts from here, so a function and
 * the queue that feeds it cannot drift apart.
 */

const path = require("node:path");

/** Where bundles and zips go: GUARDRAIL_BUILD_DIR (the tests build into a temporary directory), else `.build`. */
function buildDir() {
  return path.resolve(__dirname, "..", process.env.GUARDRAIL_BUILD_DIR || ".build");
}

const functions = {
  configRule: {
    entry: "rules/config-rule.ts",
    // What of an extension pack the bundle registers beyond its resource types (scripts/bundle.mjs).
    packParts: [],
    description: "Guardrail custom AWS Config rule: judges the policy its InputParameters name",
    timeout: 300,
  },
  sweepWorker: {
    entry: "rules/sweep-worker.ts",
    packParts: [],
    description: "Guardrail Config rule sweep batches (fan-out of large scheduled evaluations)",
    timeout: 120,
  },
  cloudTrailEvents: {
    entry: "events/cloudtrail.ts",
    packParts: ["describes"],
    description: "Guardrail detection: CloudTrail API calls and Config compliance changes from EventBridge",
    timeout: 60,
  },
  remediationWorker: {
    entry: "remediations/worker.ts",
    packParts: ["describes", "actions", "services"],
    description: "Guardrail remediation worker: one remediation request per SQS message",
    timeout: 60,
  },
};

/**
 * SQS visibility timeout for a queue feeding a function: six times the function's timeout, as AWS recommends for
 * Lambda event source mappings (a batch retried after throttling must not reappear while it still runs).
 */
function visibilityTimeout(name) {
  const fn = functions[name];
  if (!fn) throw new Error(`deploy/functions.js: no function "${name}"`);
  return 6 * fn.timeout;
}

const names = Object.keys(functions);
const pick = (f) => Object.fromEntries(names.map((n) => [n, f(n)]));

module.exports = {
  functions,
  buildDir,
  visibilityTimeout,
  // For serverless.yml: ${file(./deploy/functions.js):timeouts.configRule} and so on.
  timeouts: pick((n) => functions[n].timeout),
  descriptions: pick((n) => functions[n].description),
  artifacts: pick((n) => path.join(buildDir(), `${n}.zip`)),
  visibilityTimeouts: pick(visibilityTimeout),
};
