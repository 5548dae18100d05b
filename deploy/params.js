// @ts-check
"use strict";

/**
 * The per-stage, per-account parameters (serverless.yml `params`, or `--param="name=value"` on the command line),
 * checked before anything is packaged: serverless.yml reads the checked values from here
 * (`${file(./deploy/params.js):alertEmail}`), so a typo fails `serverless package`, not a deploy an hour later.
 */

const MODES = ["auto", "approve", "notify"];

function check(p) {
  const problems = [];
  for (const name of ["teamName", "alertEmail"]) {
    if (!p[name]) problems.push(`${name} is required per stage and account (--param="${name}=…" or params.<stage>)`);
  }
  if (p.teamName && !/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}$/.test(p.teamName)) {
    problems.push(`teamName "${p.teamName}" must be 1-63 letters, digits, spaces, "_", "." or "-"`);
  }
  if (p.alertEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(p.alertEmail))
    problems.push(`alertEmail "${p.alertEmail}" is not an e-mail address`);
  if (!MODES.includes(p.remediationMode)) {
    problems.push(`remediationMode "${p.remediationMode}" must be one of ${MODES.join(", ")}`);
  }
  if (p.centralAuditBucket && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(p.centralAuditBucket)) {
    problems.push(`centralAuditBucket "${p.centralAuditBucket}" is not an S3 bucket name`);
  }
  if (problems.length > 0) throw new Error(`serverless.yml params: ${problems.join("; ")}`);
  return p;
}

module.exports = async ({ resolveVariable }) => {
  const param = async (name) => String((await resolveVariable(`param:${name}, ''`)) ?? "");
  return check({
    teamName: await param("teamName"),
    alertEmail: await param("alertEmail"),
    remediationMode: await param("remediationMode"),
    centralAuditBucket: await param("centralAuditBucket"),
  });
};
module.exports.check = check;
module.exports.MODES = MODES;
