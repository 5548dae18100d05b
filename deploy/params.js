// @ts-check
"use strict";

/**
 * The per-stage, per-account parameters (serverless.yml `params`, or `--param="name=value"` on the command line),
 * checked before anything is packaged: serverless.yml reads the checked values from here
 * (`${file(./deploy/params.js):alertEmail}`), so a typo fails `serverless package`, not a deploy an hour later.
 *
 * osls resolves this file once per place serverless.yml uses it and reports a failure at each of them, stack trace
 * included. So when Guardrail's serverless plugin is loaded (deploy/serverless-plugin.js, which registers itself
 * with `reportTo` before parameters are resolved), a problem is handed to it and reported once, in one line;
 * without the plugin, the problem is thrown here as before.
 */

const MODES = ["auto", "approve", "notify"];
const REQUIRED = ["teamName", "alertEmail"];
const TEAM_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** What is wrong with the parameters, one entry per parameter; empty when they are fine. */
function problemsOf(p) {
  const problems = [];
  const missing = REQUIRED.filter((name) => !p[name]);
  if (missing.length > 0) {
    problems.push(
      `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} required: add ` +
        `${missing.map((name) => `--param="${name}=…"`).join(" ")} (or set params.<stage> in serverless.yml)`,
    );
  }
  if (p.teamName && !TEAM_NAME.test(p.teamName)) {
    problems.push(`teamName "${p.teamName}" must be 1-63 letters, digits, spaces, "_", "." or "-"`);
  }
  if (p.alertEmail && !EMAIL.test(p.alertEmail)) problems.push(`alertEmail "${p.alertEmail}" is not an e-mail address`);
  if (!MODES.includes(p.remediationMode)) {
    problems.push(`remediationMode "${p.remediationMode}" must be one of ${MODES.join(", ")}`);
  }
  if (p.centralAuditBucket && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(p.centralAuditBucket)) {
    problems.push(`centralAuditBucket "${p.centralAuditBucket}" is not an S3 bucket name`);
  }
  if (p.securityHub !== undefined && !["true", "false"].includes(p.securityHub)) {
    problems.push(`securityHub "${p.securityHub}" must be true or false`);
  }
  return problems;
}

/** The one-line message for `problems`. */
function message(problems) {
  return `serverless.yml params: ${problems.join("; ")}`;
}

function check(p) {
  const problems = problemsOf(p);
  if (problems.length > 0) throw new Error(message(problems));
  return p;
}

/** @type {((problems: string[]) => void) | undefined} */
let reporter;

/** Hands parameter problems to `report` instead of throwing them (the serverless plugin reports them once). */
function reportTo(report) {
  reporter = report;
}

module.exports = async ({ resolveVariable }) => {
  const param = async (name) => String((await resolveVariable(`param:${name}, ''`)) ?? "");
  const p = {
    teamName: await param("teamName"),
    alertEmail: await param("alertEmail"),
    remediationMode: await param("remediationMode"),
    centralAuditBucket: await param("centralAuditBucket"),
    // Off unless asked for: the Config rule and the workers import their verdicts into Security Hub
    // (docs/security-hub.md), which must be enabled in the account and Region.
    securityHub: (await param("securityHub")) || "false",
  };
  if (!reporter) return check(p);
  const problems = problemsOf(p);
  if (problems.length > 0) reporter(problems);
  return p;
};
module.exports.check = check;
module.exports.problemsOf = problemsOf;
module.exports.message = message;
module.exports.reportTo = reportTo;
module.exports.MODES = MODES;
module.exports.TEAM_NAME = TEAM_NAME;
module.exports.EMAIL = EMAIL;
