// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * Guardrail's TypeScript modules, for the deployment's generators (plain Node, run by osls): the entry compiled with
 * esbuild into one CommonJS module, packages left to Node, and evaluated here. So the generators read policies and
 * service modules through the same code the functions run, not a second reader.
 */

const path = require("node:path");
const esbuild = require("esbuild");

const ROOT = path.resolve(__dirname, "..");

/**
 * The exports of a module whose source is `contents` (TypeScript, resolved from the repository root).
 * @param {string} contents
 * @param {{ alias?: Record<string, string>, require?: (id: string) => unknown }} [opts]
 * @returns {Record<string, any>}
 */
function loadTs(contents, opts = {}) {
  const built = esbuild.buildSync({
    stdin: { contents, resolveDir: ROOT, loader: "ts", sourcefile: "deploy-entry.ts" },
    bundle: true,
    platform: "node",
    format: "cjs",
    packages: "external",
    write: false,
    logLevel: "warning",
    ...(opts.alias ? { alias: opts.alias } : {}),
  });
  const mod = { exports: /** @type {Record<string, any>} */ ({}) };
  // The code finds Guardrail's files (policies/, package.json) from its __dirname: inside the repository.
  const dirname = path.join(ROOT, "lib");
  new Function("module", "exports", "require", "__dirname", "__filename", built.outputFiles[0].text)(
    mod,
    mod.exports,
    opts.require ?? require,
    dirname,
    path.join(dirname, "deploy-entry.js"),
  );
  return mod.exports;
}

module.exports = { loadTs, ROOT };
