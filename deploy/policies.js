/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * The policy pack as the deployment sees it: plain Node over policies/**\/*.json (no TypeScript, no ajv), for the
 * generators serverless.yml reads. Only what the CloudFormation resources need: id, subject, triggers.
 * Whether a policy is valid is `guardrail validate`'s job (npm test); here a file that cannot be read as a
 * policy at all fails the package step, naming the file.
 */

const fs = require("node:fs");
const path = require("node:path");

const POLICY_DIR = path.resolve(__dirname, "..", "policies");

function policyFiles(dir = POLICY_DIR) {
  const out = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) out.push(...policyFiles(p));
    else if (name.endsWith(".json") && !name.endsWith(".schema.json")) out.push(p);
  }
  return out;
}

/** @returns {{id: string, title: string, file: string, resourceTypes: string[], cloudtrail: boolean, triggers: {eventSource: string, eventNames: string[]}[]}[]} */
function loadPolicies(dir = POLICY_DIR) {
  return policyFiles(dir).map((file) => {
    const where = path.relative(path.resolve(__dirname, ".."), file);
    let p;
    try {
      p = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new Error(`${where}: ${e.message}`);
    }
    if (typeof p.id !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(p.id)) throw new Error(`${where}: bad or missing id`);
    const subject = p.subject || {};
    const triggers = Array.isArray(p.triggers) ? p.triggers : [];
    for (const t of triggers) {
      if (typeof t.eventSource !== "string" || !Array.isArray(t.eventNames)) {
        throw new Error(`${where}: triggers need eventSource and eventNames`);
      }
    }
    return {
      id: p.id,
      title: typeof p.title === "string" ? p.title : p.id,
      file: where,
      resourceTypes: Array.isArray(subject.resourceTypes) ? subject.resourceTypes : [],
      cloudtrail: subject.cloudtrail === true,
      triggers,
    };
  });
}

/** `sqs-queue-encrypted` → `SqsQueueEncrypted` (CloudFormation logical ids are alphanumeric). */
function pascal(id) {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}

module.exports = { loadPolicies, pascal, POLICY_DIR };
