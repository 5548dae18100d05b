// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * The extension packs a deployment carries (docs/extending.md): GUARDRAIL_PACKS (folders or npm packages separated
 * by the platform's path delimiter, `:` here), else `packs` in the project's guardrail.config.json (read as the CLI
 * reads it), paths relative to that file. The bundler puts their modules and policies into the Lambda bundles; the IAM generator
 * grants their services' operations. Both read this, so the roles and the code deployed cannot disagree.
 */

const path = require("node:path");
const { loadTs, ROOT } = require("./load-ts");

// The pack's shape and the project config are read by the CLI's own modules (lib/pack/layout.ts, config.ts).
const { packModuleFiles, isDescribe, resolvePackDir, findProjectConfig } = loadTs(
  'export { packModuleFiles, isDescribe, resolvePackDir } from "./lib/pack/layout.ts";\n' +
    'export { findProjectConfig } from "./lib/pack/config.ts";',
);

/** The project's guardrail.config.json (lib/pack/config.ts), found from the project's root up; undefined if none. */
function projectConfig() {
  return findProjectConfig(ROOT);
}

/** @returns {string[]} the packs' folders, absolute, in the order named. */
function packDirs(env = process.env) {
  const named = env.GUARDRAIL_PACKS
    ? env.GUARDRAIL_PACKS.split(path.delimiter).filter(Boolean)
    : (projectConfig()?.packs ?? []);
  return [...new Set(named.map((/** @type {string} */ p) => resolvePackDir(p, ROOT)))];
}

/**
 * esbuild plugin for the bundles: `"guardrail"` in a pack's imports is this Guardrail's lib/pack/api.ts (the same
 * module the built-in code imports, so a pack's clients share the one client factory).
 */
function packResolution() {
  return {
    name: "guardrail-packs",
    /** @param {import("esbuild").PluginBuild} build */
    setup(build) {
      build.onResolve({ filter: /^guardrail$/ }, () => ({ path: path.join(ROOT, "lib", "pack", "api.ts") }));
    },
  };
}

module.exports = { packDirs, packModules: packModuleFiles, isDescribe, packResolution, projectConfig, ROOT };
