// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * The extension packs a deployment carries (docs/extending.md): GUARDRAIL_PACKS (folders or npm packages separated
 * by the platform's path delimiter, `:` here), else `packs` in guardrail.config.json at the project root, paths
 * relative to that file. The bundler puts their modules and policies into the Lambda bundles; the IAM generator
 * grants their services' operations. Both read this, so the roles and the code deployed cannot disagree.
 */

const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");

const ROOT = path.resolve(__dirname, "..");
const CONFIG = "guardrail.config.json";

/** @param {string} spec @param {string} base */
function packDir(spec, base) {
  const asPath = path.resolve(base, spec);
  if (fs.existsSync(asPath)) {
    if (!fs.statSync(asPath).isDirectory()) throw new Error(`pack ${spec}: not a folder`);
    return fs.realpathSync(asPath);
  }
  try {
    return fs.realpathSync(
      path.dirname(createRequire(path.join(base, "package.json")).resolve(`${spec}/package.json`)),
    );
  } catch {
    throw new Error(`pack ${spec}: no such folder, nor an npm package installed in ${base}`);
  }
}

/** @returns {string[]} the packs' folders, absolute, in the order named. */
function packDirs(env = process.env) {
  if (env.GUARDRAIL_PACKS)
    return env.GUARDRAIL_PACKS.split(path.delimiter)
      .filter(Boolean)
      .map((p) => packDir(p, ROOT));
  const file = path.join(ROOT, CONFIG);
  if (!fs.existsSync(file)) return [];
  let config;
  try {
    config = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${CONFIG}: ${/** @type {Error} */ (e).message}`);
  }
  const packs = config && config.packs;
  if (packs === undefined) return [];
  if (!Array.isArray(packs) || packs.some((p) => typeof p !== "string")) {
    throw new Error(`${CONFIG}: /packs must be an array of folders or package names`);
  }
  return packs.map((p) => packDir(p, ROOT));
}

const MODULE_FILE = /^[^.].*\.(ts|js|mts|mjs|cts|cjs)$/;

/**
 * A pack's module files of one folder (`services`, `types`, `references`, `actions`), sorted.
 * @param {string} dir @param {string} sub @param {(f: string) => boolean} [keep]
 */
function packModules(dir, sub, keep = () => true) {
  const at = path.join(dir, sub);
  if (!fs.existsSync(at)) return [];
  return fs
    .readdirSync(at)
    .filter((f) => MODULE_FILE.test(f) && !/\.d\.[mc]?ts$/.test(f) && !f.includes(".test.") && keep(f))
    .sort()
    .map((f) => path.join(at, f));
}

const isDescribe = (/** @type {string} */ f) => /\.describe\.[mc]?[jt]s$/.test(f);

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

module.exports = { packDirs, packModules, isDescribe, packResolution, ROOT };
