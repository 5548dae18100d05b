#!/usr/bin/env node
// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * Deploys Guardrail into every team account of a list, one `serverless package` + `serverless deploy` per account
 * and Region, several at once (npm run deploy:accounts -- --help). For small estates; an organisation deploys with
 * a StackSet (deploy/stacksets.js, deploy/README.md).
 *
 * The list (default deploy/accounts.json; see deploy/accounts.example.json):
 *   { "defaults": { "stage": "prod", "region": "eu-west-1", "params": { "remediationMode": "notify" } },
 *     "accounts": [ { "name": "payments-prod", "profile": "payments-prod", "region": "eu-west-1",
 *                     "params": { "teamName": "payments", "alertEmail": "payments-oncall@example.com" } } ] }
 * Each account is reached through its AWS CLI profile (`profile`); an account without one uses the caller's
 * credentials (e.g. a pipeline that assumes a role per account before calling this with --only).
 *
 * Bundles are built once, then the accounts are deployed, --concurrency at a time (default 4), each line of their
 * output prefixed with the account's name. Each account packages into a directory of its own
 * (.serverless/accounts/<name>) and deploys that package, so deploys running at once never write into the same
 * package. A failed account does not stop the others, and the exit code is 1 if any failed.
 */

const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const readline = require("node:readline");

const ROOT = path.resolve(__dirname, "..");

function usage() {
  return [
    "usage: npm run deploy:accounts -- [--file FILE] [--only name,name] [--concurrency N] [--dry-run] [--skip-bundle]",
    "  --file FILE      the account list (default deploy/accounts.json; example: deploy/accounts.example.json)",
    "  --only NAMES     deploy only these accounts (their `name`s)",
    "  --concurrency N  accounts deployed at once (default 4)",
    "  --dry-run        print the commands, run nothing",
    "  --skip-bundle    use the bundles already in .build/ (GUARDRAIL_BUILD_DIR)",
    "",
    "example: npm run deploy:accounts -- --file deploy/accounts.json --concurrency 8",
    "An organisation's accounts: npm run deploy:org (CloudFormation StackSets, deploy/README.md).",
  ].join("\n");
}

function parseArgs(argv) {
  const args = {
    file: path.join(__dirname, "accounts.json"),
    only: undefined,
    dryRun: false,
    bundle: true,
    concurrency: 4,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--file") args.file = path.resolve(argv[++i] ?? "");
    else if (a === "--only") args.only = (argv[++i] ?? "").split(",").filter(Boolean);
    else if (a === "--concurrency") {
      const v = argv[++i];
      args.concurrency = Number(v);
      if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > 64) {
        throw new Error(`--concurrency: "${v ?? ""}" is not a whole number 1-64\n${usage()}`);
      }
    } else if (a === "--dry-run") args.dryRun = true;
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

/** The account's own package directory: deploys running at once must not share `.serverless`. */
function packageDir(account) {
  return path.join(".serverless", "accounts", account.name.replace(/[^A-Za-z0-9._-]/g, "_"));
}

function commonArgs(account) {
  const args = ["--stage", account.stage, "--region", account.region];
  if (account.profile) args.push("--aws-profile", account.profile);
  for (const [k, v] of Object.entries(account.params)) args.push(`--param=${k}=${v}`);
  return args;
}

/** `serverless package` into the account's own directory (the bundles are built once, before). */
function packageCommand(account) {
  return ["serverless", "package", ...commonArgs(account), "--package", packageDir(account)];
}

/** `serverless deploy` of that package. */
function deployCommand(account) {
  return ["serverless", "deploy", ...commonArgs(account), "--package", packageDir(account)];
}

const shown = (command, args) =>
  `$ ${[command, ...args].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(" ")}`;

/** Runs a command, each line of its output written with `prefix`; resolves with its exit code. */
function runPrefixed(command, args, prefix, env = {}) {
  return new Promise((resolve) => {
    console.log(`${prefix}${shown(command, args)}`);
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SLS_TELEMETRY_DISABLED: "1", ...env },
    });
    const closed = [child.stdout, child.stderr].map(
      (stream, i) =>
        new Promise((done) => {
          const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
          rl.on("line", (line) => (i === 0 ? process.stdout : process.stderr).write(`${prefix}${line}\n`));
          rl.on("close", done);
        }),
    );
    child.on("error", (e) => {
      console.error(`${prefix}${command}: ${e.message}`);
      resolve(127);
    });
    child.on("close", async (code, signal) => {
      await Promise.all(closed);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** Deploys every account, `concurrency` at a time; resolves with the names of the accounts that failed. */
async function deployAll(accounts, concurrency, run = runPrefixed) {
  const failed = [];
  const queue = [...accounts];
  const width = Math.max(...accounts.map((a) => a.name.length));
  const worker = async () => {
    for (let account = queue.shift(); account; account = queue.shift()) {
      const prefix = `[${account.name.padEnd(width)}] `;
      // The bundles are built once, before: no account rebuilds them (deploy/serverless-plugin.js).
      const env = { GUARDRAIL_SKIP_BUNDLE: "1" };
      const ok =
        (await run("npx", packageCommand(account), prefix, env)) === 0 &&
        (await run("npx", deployCommand(account), prefix, env)) === 0;
      console.log(`${prefix}${ok ? "deployed" : "FAILED"}`);
      if (!ok) failed.push(account.name);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, accounts.length) }, worker));
  return accounts.map((a) => a.name).filter((n) => failed.includes(n));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let accounts = loadAccounts(args.file);
  if (args.only) {
    const unknown = args.only.filter((n) => !accounts.some((a) => a.name === n));
    if (unknown.length > 0) throw new Error(`--only: no account named ${unknown.join(", ")}`);
    accounts = accounts.filter((a) => args.only.includes(a.name));
  }
  if (args.dryRun) {
    if (args.bundle) console.log(shown("node", ["scripts/bundle.mjs"]));
    for (const account of accounts) {
      console.log(shown("npx", packageCommand(account)));
      console.log(shown("npx", deployCommand(account)));
    }
    return;
  }
  if (args.bundle) {
    console.log(shown("node", ["scripts/bundle.mjs"]));
    const r = spawnSync("node", ["scripts/bundle.mjs"], { cwd: ROOT, stdio: "inherit" });
    if (r.status !== 0) throw new Error("bundle failed");
  }
  const failed = await deployAll(accounts, args.concurrency);
  console.log(
    `\n${accounts.length - failed.length} of ${accounts.length} deployed${failed.length ? `; failed: ${failed.join(", ")}` : ""}`,
  );
  if (failed.length > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`deploy:accounts: ${e.message}`);
    process.exit(2);
  });
}

module.exports = { loadAccounts, packageCommand, deployCommand, deployAll, parseArgs };
