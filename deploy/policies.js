// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * The policy pack as the deployment sees it: the built-in policies, the project's (guardrail.config.json
 * `policies`) and the deployment's extension packs' (./packs.js), read by Guardrail's one loader (lib/pack/load.ts, through ./load-ts.js): the same checks as
 * `guardrail validate` (meta-schema, resource types, remediations against the actions), so a pack that would not
 * validate does not package, every problem named with its file and place. Only what the CloudFormation resources
 * need is returned: id, title, file, subject, triggers.
 */

const path = require("node:path");
const { loadTs, ROOT } = require("./load-ts");
const { packDirs, projectConfig } = require("./packs");

/**
 * @typedef {{ eventSource: string, eventNames: string[] }} Trigger
 * @typedef {{ id: string, title: string, file: string, resourceTypes: string[], cloudtrail: boolean, triggers: Trigger[] }} DeployedPolicy
 */

/** @type {DeployedPolicy[] | undefined} */
let cached;

/** @returns {DeployedPolicy[]} */
function loadPolicies() {
  if (cached) return cached;
  const { loadPackWithExtensions, formatProblem } = loadTs(
    `export { loadPackWithExtensions } from "./lib/pack/load.ts";\nexport { formatProblem } from "./lib/policy/load.ts";`,
  );
  const config = projectConfig();
  const { policies, problems } = loadPackWithExtensions({
    extensionPacks: packDirs(),
    ...(config && config.policies.length > 0 ? { policyPaths: config.policies } : {}),
  });
  if (problems.length > 0) {
    throw new Error(`the policy pack does not validate:\n${problems.map(formatProblem).join("\n")}`);
  }
  cached = policies.map((/** @type {{ policy: any, file: string }} */ { policy, file }) => ({
    id: policy.id,
    title: policy.title,
    file: path.relative(ROOT, path.resolve(file)),
    resourceTypes: policy.subject.resourceTypes ?? [],
    cloudtrail: policy.subject.cloudtrail === true,
    triggers: policy.triggers ?? [],
  }));
  return cached;
}

/** `sqs-queue-encrypted` → `SqsQueueEncrypted` (CloudFormation logical ids are alphanumeric). @param {string} id */
function pascal(id) {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}

module.exports = { loadPolicies, pascal };
