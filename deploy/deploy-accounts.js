#!/usr/bin/env node
// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * Deploys Guardrail into every team account of a list, one `serverless deploy` per account and Region, one
 * after another (npm run deploy:accounts -- --help).
 *
 * The list (default deploy/accounts.json; see deploy/accounts.example.json):
 *   { "defaults": { "stage": "prod", "region": "eu-west-1", "params": { "remediationMode": "notify" } },
 *     "accounts": [ { "name": "payments-prod", "profile": "payments-prod", "region": "eu-west-1",
 *                     "params": { "teamName": "payments", "alertEmail": "payments-oncall@example.com" } } ] }
 * Each account is reached through its AWS CLI profile (`profile`); an account without one uses the caller's
 * credentials (e.g. a pipeline that assumes a role per account before calling this with --only).
 *
 * Bundles are built once, then each account is deployed; a failed account does not stop the others, and the
 * exit code is 1 if any failed.
 */

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

function usage() {
  return [
    "usage: npm run deploy:accounts -- [--file FILE] [--only name,name] [--dry-run] [--skip-bundle]",
    "  --file FILE     the account list (default deploy/accounts.json; example: deploy/accounts.example.json)",
    "  --only NAMES    deploy only these accounts (their `name`s)",
    "  --dry-run       print the commands, run nothing",
    "  --skip-bundle   use the bundles already in .build/ (GUARDRAIL_BUILD_DIR)",
  ].join("\n");
}

function parseArgs(argv) {
  const args = { file: path.join(__dirname, "accounts.json"), only: undefined, dryRun: false, bundle: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--file") args.file = path.resolve(argv[++i] ?? "");
    else if (a === "--only") args.only = (argv[++i] ?? "").split(",").filter(Boolean);
    else if (a === "--dry-run") args.dryRun = true;
    else if (a === "--skip-bundle") args.bundle = false;
    else if (a === "--help" || a === "-h") {
      console.log(usage());
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${usage()}`);
  }
  return args;
}

/** The accounts of the list with defaults applied, checked enough to fail before the first deploy. */
function loadAccounts(file) {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file (copy deploy/accounts.example.json)`);
  const list = JSON.parse(fs.readFileSync(file, "utf8"));
  const defaults = list.defaults || {};
  if (!Array.isArray(list.accounts) || list.accounts.length === 0) throw new Error(`${file}: "accounts" is empty`);
  const seen = new Set();
  return list.accounts.map((a, i) => {
    const account = {
      name: a.name,
      profile: a.profile ?? defaults.profile,
      stage: a.stage ?? defaults.stage,
      region: a.region ?? defaults.region,
      params: { ...(defaults.params || {}), ...(a.params || {}) },
    };
    const where = `${file}: accounts[${i}]`;
    if (typeof account.name !== "string" || account.name === "") throw new Error(`${where}: "name" is required`);
    if (seen.has(account.name)) throw new Error(`${where}: duplicate name ${account.name}`);
    seen.add(account.name);
    if (!account.stage || !account.region)
      throw new Error(`${where} (${account.name}): "stage" and "region" are required`);
    for (const p of ["teamName", "alertEmail"]) {
      if (!account.params[p]) throw new Error(`${where} (${account.name}): params.${p} is required`);
    }
    return account;
  });
}

function deployCommand(account) {
  const args = ["serverless", "deploy", "--stage", account.stage, "--region", account.region];
  if (account.profile) args.push("--aws-profile", account.profile);
  for (const [k, v] of Object.entries(account.params)) args.push(`--param=${k}=${v}`);
  return args;
}

function run(command, args, dryRun) {
  console.log(`$ ${[command, ...args].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(" ")}`);
  if (dryRun) return 0;
  const r = spawnSync(command, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, SLS_TELEMETRY_DISABLED: "1" },
  });
  return r.status ?? 1;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  let accounts = loadAccounts(args.file);
  if (args.only) {
    const unknown = args.only.filter((n) => !accounts.some((a) => a.name === n));
    if (unknown.length > 0) throw new Error(`--only: no account named ${unknown.join(", ")}`);
    accounts = accounts.filter((a) => args.only.includes(a.name));
  }
  if (args.bundle && run("node", ["scripts/bundle.mjs"], args.dryRun) !== 0) throw new Error("bundle failed");
  const failed = [];
  for (const account of accounts) {
    console.log(
      `\n== ${account.name} (${account.profile ?? "current credentials"}, ${account.region}, stage ${account.stage})`,
    );
    if (run("npx", deployCommand(account), args.dryRun) !== 0) failed.push(account.name);
  }
  console.log(
    `\n${accounts.length - failed.length} of ${accounts.length} deployed${failed.length ? `; failed: ${failed.join(", ")}` : ""}`,
  );
  if (failed.length > 0) process.exit(1);
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`deploy:accounts: ${e.message}`);
    process.exit(2);
  }
}

module.exports = { loadAccounts, deployCommand };
