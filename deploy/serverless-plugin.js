// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * Guardrail's serverless plugin (Serverless Framework v3 plugin API, run by osls; serverless.yml `plugins`):
 *
 * - Parameters: a missing or bad `teamName`, `alertEmail`, … (deploy/params.js) is reported once, in one line that
 *   says what to pass, before any command does anything.
 * - Bundles: `serverless package` (and `serverless deploy`, which packages first) builds the functions' bundles
 *   (scripts/bundle.mjs, the same as `npm run bundle`) before it packages the artifacts serverless.yml names, as
 *   bundling plugins do. GUARDRAIL_SKIP_BUNDLE=1 packages the bundles already built (deploy:accounts builds them once
 *   for every account); a missing one is then named, with the command that builds it.
 */

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const params = require("./params.js");
const { functions, buildDir } = require("./functions.js");

const ROOT = path.resolve(__dirname, "..");

/** Runs scripts/bundle.mjs into `out`; resolves with its exit code. Its output goes to the terminal. */
function runBundle(out, env = process.env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "scripts", "bundle.mjs"), "--out", out], {
      cwd: ROOT,
      env,
      // The bundler's summary goes where osls writes its own progress (stderr), so stdout stays for osls's output.
      stdio: ["ignore", process.stderr, process.stderr],
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** The artifacts serverless.yml names that do not exist (deploy/functions.js `artifacts`). */
function missingArtifacts(dir = buildDir()) {
  return Object.keys(functions)
    .map((name) => path.join(dir, `${name}.zip`))
    .filter((file) => !fs.existsSync(file));
}

class GuardrailPlugin {
  /**
   * @param {any} serverless
   * @param {Record<string, unknown>} _options
   * @param {{ bundle?: typeof runBundle }} [seams] what the tests replace
   */
  constructor(serverless, _options, seams = {}) {
    this.serverless = serverless;
    this.bundle = seams.bundle ?? runBundle;
    /** @type {string[]} */
    this.paramProblems = [];
    // Registered before osls resolves serverless.yml's parameters (they need the Serverless instance this plugin
    // is constructed with), so deploy/params.js hands its problems here instead of failing once per use.
    params.reportTo((problems) => {
      for (const p of problems) if (!this.paramProblems.includes(p)) this.paramProblems.push(p);
    });
    this.hooks = {
      initialize: () => this.checkParams(),
      "before:package:createDeploymentArtifacts": () => this.buildBundles(),
    };
  }

  /** osls's error class: reported as a user error, its message without a stack trace. */
  fail(message) {
    const ServerlessError = this.serverless?.classes?.Error ?? Error;
    return new ServerlessError(message);
  }

  checkParams() {
    if (this.paramProblems.length > 0) throw this.fail(params.message(this.paramProblems));
  }

  async buildBundles() {
    const out = buildDir();
    if (process.env.GUARDRAIL_SKIP_BUNDLE !== "1") {
      const code = await this.bundle(out);
      if (code !== 0) throw this.fail(`bundling the functions failed (exit ${code}; its errors are above)`);
    }
    const missing = missingArtifacts(out);
    if (missing.length > 0) {
      const where = path.relative(process.cwd(), out);
      throw this.fail(
        `no bundle ${missing.map((f) => path.basename(f)).join(", ")} in ` +
          `${where && !where.startsWith("..") ? where : out}: run \`npm run bundle\`` +
          (process.env.GUARDRAIL_SKIP_BUNDLE === "1" ? " (GUARDRAIL_SKIP_BUNDLE=1 skips building them)" : ""),
      );
    }
  }
}

module.exports = GuardrailPlugin;
module.exports.missingArtifacts = missingArtifacts;
module.exports.runBundle = runBundle;
