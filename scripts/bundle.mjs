#!/usr/bin/env node
// @ts-check
// Bundles each Lambda function (deploy/functions.js) with esbuild into `<out>/<fn>/` (entry `index.mjs`) and zips
// that directory into `<out>/<fn>.zip`, the artifact serverless.yml deploys.
//
//   node scripts/bundle.mjs [--out DIR] [--only fn,fn] [--with-libraries] [--bare NAME=FILE ...]
//
// - Minified ES modules for Node 22, with the AWS SDK bundled in: the code runs against the SDK version it was
//   tested with, not whatever copy the Lambda runtime carries. Code splitting: `index.mjs` and the chunks it imports
//   are what a cold start loads; what Guardrail's code loads with `import()` (each type's live describe, each
//   service's write table, with their SDK clients: the generated loaders of scripts/registries.mjs) is a chunk of
//   its own, loaded when an event needs it, tree-shaken like the rest.
// - The policy pack is bundled: policies/**/*.json (without their examples, which `guardrail test` runs at build
//   time and the Lambdas never read, nor the meta-schema, which `guardrail validate` applies before the build) and
//   a minimal package.json are served from a generated module by a small read-only overlay of `node:fs` under the
//   bundle's directory, so lib/policy/load.ts and lib/util/package-root.ts find them where they look, with no change
//   to the loader. Their validators are compiled at build time into one CommonJS file per policy folder
//   (`validators-<folder>.cjs`), required when one of them is first used (precompiledValidators()).
// - Registries are ordinary modules (each folder's generated index, scripts/registries.mjs), so esbuild bundles
//   what a function's code imports and tree-shakes the rest, with nothing rewritten here.
// - Extension packs the deployment names (deploy/packs.js) are bundled too: their policies beside the built-in
//   ones, and the modules of the parts each function uses (deploy/functions.js `packParts`), registered by a
//   generated module the entry imports first. With no pack, the bundles are what they would be without this.
// - Each bundle also exports `guardrailSelfCheck()`: the policies it loads, for the deploy tests to check a bundle
//   in a fresh Node process; the manifest `<fn>.json` lists its files (those a cold start loads apart), the source
//   files it holds and those a cold start loads.
// - Zips are deterministic (fixed timestamps, files in a fixed order), so an unchanged function keeps its code hash
//   across deploys.
//
// A function whose entry does not exist yet fails the build, naming it; --only builds a subset.
// For `npm run bench` (handlers), with the very options and library plugins of the functions: --with-libraries also
// writes `<out>/<fn>-libraries/index.mjs` (see librariesOnly()); --bare NAME=FILE bundles FILE, a handler that is
// not Guardrail's (the bench's one-client baseline), into `<out>/NAME/index.mjs`.

import { Buffer } from "node:buffer";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import ts from "typescript";
import yazl from "yazl";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { functions, buildDir } = require("../deploy/functions.js");
const { packDirs, packModules, isDescribe, packResolution } = require("../deploy/packs.js");

// ---------------------------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const args = { out: buildDir(), only: undefined, withLibraries: false, bare: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (v === undefined || v === "") throw new Error(`${a.split("=")[0]} needs a value`);
      return v;
    };
    if (a === "--out" || a.startsWith("--out=")) args.out = resolve(value());
    else if (a === "--only" || a.startsWith("--only=")) args.only = value().split(",").filter(Boolean);
    else if (a === "--with-libraries") args.withLibraries = true;
    else if (a === "--bare" || a.startsWith("--bare=")) {
      const v = value();
      const eq = v.indexOf("=");
      if (eq <= 0 || eq === v.length - 1) throw new Error(`--bare needs NAME=FILE, not "${v}"`);
      args.bare.push({ name: v.slice(0, eq), file: resolve(v.slice(eq + 1)) });
    } else if (a === "--help" || a === "-h") {
      console.log(
        "usage: node scripts/bundle.mjs [--out DIR] [--only fn,fn] [--with-libraries] [--bare NAME=FILE ...]\n" +
          "functions: " +
          Object.keys(functions).join(", "),
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const name of args.only ?? []) {
    if (!functions[name])
      throw new Error(`--only: no function "${name}" (functions: ${Object.keys(functions).join(", ")})`);
  }
  return args;
}

// ---------------------------------------------------------------------------------------------------------------
// The bundled policy pack: a read-only overlay of node:fs under the bundle's directory

/** Every file the overlay serves, keyed by its path relative to the bundle's directory. */
function packFiles(packs) {
  const files = {};
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  files["package.json"] = JSON.stringify({ name: pkg.name, version: pkg.version, private: true });
  const walk = (dir, key) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, `${key}/${name}`);
      else if (name.endsWith(".json") && !name.endsWith(".schema.json")) {
        // Handlers load policies without the meta-schema (compile: "lazy"; `guardrail validate` checked them before
        // the build), and never read examples (`guardrail test` ran them).
        const json = JSON.parse(readFileSync(path, "utf8"));
        delete json.examples;
        files[`${key}/${name}`] = JSON.stringify(json);
      }
    }
  };
  walk(join(ROOT, "policies"), "policies");
  packs.forEach((dir, i) => {
    if (existsSync(join(dir, "policies"))) walk(join(dir, "policies"), `packs/${i}/policies`);
  });
  return files;
}

function vfsModule(files) {
  return `
import * as fs from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

// Generated by scripts/bundle.mjs: the policy pack, served under this bundle's directory. Every handler reads the
// whole pack at cold start, so the lookups below are precomputed: no path normalisation for the paths the loader
// builds, no per-call object spreading.
const FILES = ${JSON.stringify(files)};
/** Directory key → its entries' names, sorted (readdirSync hands out copies). */
const DIRS = new Map();
{
  const sets = new Map();
  for (const key of Object.keys(FILES)) {
    const parts = key.split("/");
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (!sets.has(dir)) sets.set(dir, new Set());
      sets.get(dir).add(parts[i]);
    }
  }
  for (const [dir, names] of sets) DIRS.set(dir, [...names].sort());
}

const UNDER = __dirname + sep;
// A path relative to the bundle's directory that is already normal: no ".", ".." or empty segment, no trailing "/".
const NOT_NORMAL = /(?:^|\\/)\\.{0,2}(?:\\/|$)/;

function keyOf(p) {
  let path;
  if (typeof p === "string") path = p;
  else if (p instanceof URL) path = fileURLToPath(p);
  else return undefined;
  if (sep === "/" && path.startsWith(UNDER)) {
    const rest = path.slice(UNDER.length);
    if (!NOT_NORMAL.test(rest)) return rest;
  }
  const rel = relative(__dirname, resolve(path));
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return undefined;
  return rel.split(sep).join("/");
}

const EPOCH = new Date(0);

class Entry {
  constructor(name, dir) {
    this.name = name;
    this.dir = dir;
  }
  isDirectory() { return this.dir; }
  isFile() { return !this.dir; }
  isSymbolicLink() { return false; }
  isBlockDevice() { return false; }
  isCharacterDevice() { return false; }
  isFIFO() { return false; }
  isSocket() { return false; }
}

class Stats extends Entry {
  constructor(key) {
    const dir = DIRS.has(key);
    super(key.split("/").pop(), dir);
    this.size = dir ? 0 : Buffer.byteLength(FILES[key]);
    this.mode = dir ? 0o40555 : 0o100444;
    this.mtime = this.ctime = this.atime = this.birthtime = EPOCH;
    this.mtimeMs = 0;
  }
}

class Dirent extends Entry {
  constructor(name, dir, parent) {
    super(name, dir);
    this.parentPath = this.path = parent;
  }
}

export function existsSync(p) {
  const key = keyOf(p);
  return key !== undefined && (key in FILES || DIRS.has(key)) ? true : fs.existsSync(p);
}

export function readFileSync(p, options) {
  const key = keyOf(p);
  if (key === undefined || !(key in FILES)) return fs.readFileSync(p, options);
  const encoding = typeof options === "string" ? options : options && options.encoding;
  if (encoding === "utf8" || encoding === "utf-8") return FILES[key];
  return encoding ? Buffer.from(FILES[key], "utf8").toString(encoding) : Buffer.from(FILES[key], "utf8");
}

export function readdirSync(p, options) {
  const key = keyOf(p);
  if (key === undefined || !DIRS.has(key)) return fs.readdirSync(p, options);
  const names = DIRS.get(key);
  if (options && typeof options === "object" && options.withFileTypes) {
    const parent = resolve(p);
    return names.map((n) => new Dirent(n, DIRS.has(key === "" ? n : key + "/" + n), parent));
  }
  return names.slice();
}

export function statSync(p, options) {
  const key = keyOf(p);
  if (key === undefined || !(key in FILES || DIRS.has(key))) return fs.statSync(p, options);
  return new Stats(key);
}
export const lstatSync = statSync;

export * from "node:fs";
export default { ...fs, existsSync, readFileSync, readdirSync, statSync, lstatSync };
`;
}

const SELF_CHECK_MODULE = `
import { HandlerPack } from ${JSON.stringify(join(ROOT, "lib", "lambda", "handler-pack.ts"))};
import { precompiledValidator } from ${JSON.stringify(join(ROOT, "lib", "policy", "precompiled.ts"))};

/**
 * What this bundle carries: the policy pack as the handler loads it, and the policies whose validators it would
 * have to compile at run time (none: it has no compiler).
 */
export function guardrailSelfCheck() {
  // The pack as every handler loads it (HandlerPack.load: the built-in policies and the bundled extension packs').
  const { policies, problems } = HandlerPack.load().pack;
  const notPrecompiled = policies
    .filter((p) => ["applies", "compliant"].some((k) => p.policy[k] && !precompiledValidator("policy", p.policy[k])))
    .map((p) => p.policy.id);
  return { policies: policies.map((p) => p.policy.id), problems, notPrecompiled };
}
`;

/**
 * zod 4's `z` namespace re-exports every one of its ~40 error-message locales (`z.locales`), 258 KB minified that
 * esbuild cannot shake out of a namespace object: a third of the CloudTrail handler's and the worker's bundles
 * (Powertools parser imports `z`). Guardrail never switches zod's locale: the default, English, is set by zod
 * itself from `locales/en.js`, so the bundle keeps English only. A `z.locales.fr` would be undefined here, loudly.
 */
function zodEnglishOnlyPlugin() {
  return {
    name: "zod-english-only",
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
        contents: 'export { default as en } from "./en.js";\n',
        resolveDir: dirname(args.path),
        loader: "js",
      }));
    },
  };
}

/**
 * AWS SDK clients describe every operation of their service in `schemas/schemas_0.js`: one top-level array per
 * operation, structure and member, hundreds per client (S3: ~1,600 declarations). Their trait objects have computed
 * keys (`{ [_h]: ["GET", "/?policy", 200] }`), which esbuild cannot prove free of side effects, so it keeps every
 * declaration, used or not, and a cold start builds them all (S3's alone added 15-20 ms, a quarter of the bare
 * one-client bundle's cold init). This marks each top-level array or object literal of those modules
 * `@__PURE__` (an immediately called arrow returning the very same literal), so esbuild drops the ones no kept code
 * refers to. Nothing else changes: the kept schemas are the same values, built at the same point; errors stay
 * registered (`registerError` calls are statements, kept); and the only effect a dropped literal could have had,
 * converting its computed keys (string constants) to property keys, is not observable. Parsed with the TypeScript
 * compiler's parser, not patterns, so a change in the generated layout cannot produce wrong code; and it fails the
 * build, loudly, if the layout moves: a schema module with no literal to mark is an error, and so is a bundle holding
 * an SDK client none of whose schema modules was seen (`checkSchemasPruned`, with the packages this records).
 */
function sdkSchemasTreeShakingPlugin(pruned = new Set()) {
  return {
    name: "sdk-schemas-tree-shaking",
    setup(build) {
      const schemaModule =
        /[\\/]node_modules[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/](?:.+[\\/])?schemas[\\/]schemas_\d+\.js$/;
      build.onLoad({ filter: schemaModule }, (args) => {
        const source = readFileSync(args.path, "utf8");
        const file = ts.createSourceFile(args.path, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
        const literals = file.statements
          .filter(ts.isVariableStatement)
          .flatMap((statement) => statement.declarationList.declarations)
          .map((declaration) => declaration.initializer)
          .filter((init) => init && (ts.isArrayLiteralExpression(init) || ts.isObjectLiteralExpression(init)));
        if (literals.length === 0) {
          throw new Error(`${args.path}: no top-level schema literal to mark pure: has the AWS SDK's layout changed?`);
        }
        pruned.add(/node_modules[\\/](@aws-sdk[\\/][^\\/]+)/.exec(args.path)[1].replace("\\", "/"));
        let contents = "";
        let at = 0;
        for (const literal of literals) {
          const start = literal.getStart(file);
          contents += `${source.slice(at, start)}/* @__PURE__ */ (() => (${source.slice(start, literal.end)}))()`;
          at = literal.end;
        }
        return { contents: contents + source.slice(at), loader: "js" };
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Precompiled validators (lib/policy/precompiled.ts): ajv standalone code for every bundled schema

/**
 * Compiles, at build time, every schema a bundle evaluates: each bundled policy's `applies` and `compliant`, and
 * the exemptions file's schema, with lib/policy/standalone.ts (the run-time ajv options, in TypeScript, so it is
 * bundled for Node and required here). Returns the table module that replaces lib/policy/precompiled-table.ts and
 * the validators' files, one per policy folder (a service's policies): `validators-<folder>.cjs` beside the entry.
 *
 * The validators are most of what a policy adds to a bundle (ajv's standalone code, ~3 KB a policy), and a cold
 * start runs none of them, so they are not in the ES modules a cold start compiles: the table loads a folder's file
 * with Node's `require` (synchronous, as lib/policy/precompiled.ts is) when one of its validators is first used,
 * and hands its modules ajv's runtime helpers and the linear-time RegExp from the bundle. An invocation judging an
 * S3 bucket loads the S3 policies' validators, not the other services'.
 */
async function precompiledValidators(files) {
  const built = await esbuild.build({
    stdin: {
      contents:
        `export { standaloneValidators } from ${JSON.stringify(join(ROOT, "lib", "policy", "standalone.ts"))};\n` +
        `export { precompiledKey } from ${JSON.stringify(join(ROOT, "lib", "policy", "precompiled.ts"))};\n` +
        `export { exemptionsFileSchema } from ${JSON.stringify(join(ROOT, "lib", "engine", "exemptions.ts"))};\n`,
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "cjs",
    mainFields: ["module", "main"],
    write: false,
    logLevel: "warning",
  });
  const tool = { exports: {} };
  new Function("module", "exports", "require", built.outputFiles[0].text)(tool, tool.exports, require);
  const { standaloneValidators, precompiledKey, exemptionsFileSchema } = tool.exports;
  const schemas = [
    { flavour: "meta", schema: exemptionsFileSchema, name: "exemptions file schema", group: "exemptions" },
  ];
  for (const [path, text] of Object.entries(files)) {
    if (!/^(packs\/\d+\/)?policies\//.test(path) || path.endsWith(".schema.json")) continue;
    const policy = JSON.parse(text);
    // The policy's folder (policies/s3/x.json: "s3"; an extension pack's: "pack0-s3"), a file name's characters.
    const folder = path
      .replace(/^packs\/(\d+)\/policies\//, "pack$1-")
      .replace(/^policies\//, "")
      .replace(/\/?[^/]*$/, "");
    const group = (folder || "policies").replace(/[^A-Za-z0-9_-]/g, "_");
    for (const key of ["applies", "compliant"]) {
      if (policy[key] !== undefined)
        schemas.push({ flavour: "policy", schema: policy[key], name: `${path} /${key}`, group });
    }
  }
  const regExpModule = join(ROOT, "lib", "util", "linear-regexp.ts");
  const validators = standaloneValidators(schemas, { regExpModule });
  // A validator shared by two folders' policies goes with the first (the table loads its file for either).
  const groupOf = new Map();
  for (const s of schemas) {
    const key = precompiledKey(s.flavour, s.schema);
    if (!groupOf.has(key)) groupOf.set(key, s.group);
  }
  const groups = [...new Set(validators.map((v) => groupOf.get(v.key)))].sort();
  const fileOf = (group) => `validators-${group}.cjs`;
  const members = new Map(groups.map((g) => [g, []]));
  const entries = validators.map((v) => {
    const list = members.get(groupOf.get(v.key));
    list.push(v);
    return `  [${JSON.stringify(v.key)}, () => validator(${groups.indexOf(groupOf.get(v.key))}, ${list.length - 1})],\n`;
  });
  const validatorFiles = groups.map((g) => ({
    name: fileOf(g),
    data: Buffer.from(
      `"use strict";\n// Generated by scripts/bundle.mjs: the precompiled validators of ${g === "exemptions" ? "the exemptions file" : `the policies in ${g}`}, each an ajv standalone module.\n` +
        `module.exports = [\n` +
        members
          .get(g)
          .map((v) => `function (module, exports, require) {\n${v.code}\n},\n`)
          .join("") +
        `];\n`,
    ),
  }));
  // What the validators' modules require: ajv's runtime helpers and the linear-time RegExp, from the bundle.
  const required = [
    ...new Set(validators.flatMap((v) => [...v.code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))),
  ];
  const table =
    `// Generated by scripts/bundle.mjs: ${validators.length} validators compiled at build time, in ${groups.length} files.\n` +
    `import { createRequire } from "node:module";\n` +
    `import { join } from "node:path";\n` +
    `const loadFile = createRequire(import.meta.url);\n` +
    `const FILES = ${JSON.stringify(groups.map(fileOf))};\n` +
    `const REQUIRED = {\n${required.map((id) => `  ${JSON.stringify(id)}: () => require(${JSON.stringify(id)}),\n`).join("")}};\n` +
    `const need = (id) => {\n` +
    `  const get = REQUIRED[id];\n` +
    `  if (!get) throw new Error("a precompiled validator requires " + id + ", which this bundle does not carry");\n` +
    `  return get();\n` +
    `};\n` +
    `const loaded = [];\n` +
    `function validator(file, index) {\n` +
    `  const group = (loaded[file] ??= { modules: loadFile(join(__dirname, FILES[file])), exports: [] });\n` +
    `  if (group.exports[index] === undefined) {\n` +
    `    const module = { exports: {} };\n` +
    `    group.modules[index](module, module.exports, need);\n` +
    `    group.exports[index] = module.exports;\n` +
    `  }\n` +
    `  return group.exports[index];\n` +
    `}\n` +
    `export const PRECOMPILED = new Map([\n${entries.join("")}]);\n`;
  return { table, files: validatorFiles };
}

/** In a bundle, ajv's compiler is not carried: every schema is precompiled, and anything else is an error. */
const NO_COMPILER_MODULE = `
function noCompiler() {
  throw new Error(
    "this Lambda bundle evaluates the policies it was built with, compiled by scripts/bundle.mjs; " +
      "it cannot compile other schemas (a GUARDRAIL_POLICY_DIR with different policies): rebuild and deploy instead",
  );
}
export const createPolicyAjv = noCompiler;
export const createMetaAjv = noCompiler;
`;

/**
 * The module that registers the extension packs' parts a function uses, imported before its handler (whose module
 * scope loads the policy pack). Empty without packs.
 */
function packsModule(name, packs) {
  if (packs.length === 0) return "";
  const parts = new Set(functions[name].packParts ?? []);
  const imports = [];
  const lists = { adapters: [], references: [], describers: [], actions: [], services: [] };
  const add = (list, file, names) => {
    const i = imports.length;
    imports.push(`import { ${names.map((n) => `${n} as m${i}_${n}`).join(", ")} } from ${JSON.stringify(file)};`);
    lists[list].push(
      names.length === 1 ? `m${i}_${names[0]}` : `{ ${names.map((n) => `${n}: m${i}_${n}`).join(", ")} }`,
    );
  };
  for (const dir of packs) {
    for (const f of packModules(dir, "types", (x) => !isDescribe(x))) add("adapters", f, ["adapter"]);
    for (const f of packModules(dir, "references")) add("references", f, ["identity"]);
    if (parts.has("describes"))
      for (const f of packModules(dir, "types", isDescribe)) add("describers", f, ["describer"]);
    if (parts.has("actions")) for (const f of packModules(dir, "actions")) add("actions", f, ["action"]);
    if (parts.has("services"))
      for (const f of packModules(dir, "services")) add("services", f, ["service", "operations"]);
  }
  const lib = (...p) => JSON.stringify(join(ROOT, "lib", ...p));
  const dirs = packs.flatMap((dir, i) =>
    existsSync(join(dir, "policies")) ? [`join(__dirname, "packs", ${JSON.stringify(String(i))}, "policies")`] : [],
  );
  return `
import { join } from "node:path";
import { addPolicyDirs } from ${lib("policy", "load.ts")};
import { addResourceTypes } from ${lib("resources", "registry.ts")};
${lists.describers.length > 0 ? `import { addDescribers } from ${lib("resources", "added.ts")};` : ""}
${lists.actions.length > 0 ? `import { addActions } from ${lib("remediation", "planning", "registry.ts")};` : ""}
${lists.services.length > 0 ? `import { addServiceModules } from ${lib("aws", "added.ts")};` : ""}
${imports.join("\n")}

// Generated by scripts/bundle.mjs: the extension packs this function carries.
addResourceTypes({ adapters: [${lists.adapters.join(", ")}], references: [${lists.references.join(", ")}] });
addPolicyDirs([${dirs.join(", ")}]);
${lists.describers.length > 0 ? `addDescribers([${lists.describers.join(", ")}]);` : ""}
${lists.actions.length > 0 ? `addActions([${lists.actions.join(", ")}]);` : ""}
${lists.services.length > 0 ? `addServiceModules([${lists.services.join(", ")}]);` : ""}
`;
}

function guardrailPlugin(files, precompiled, packs) {
  const inProject = (p) => p.startsWith(ROOT + sep) && !p.includes(`${sep}node_modules${sep}`);
  return {
    name: "guardrail",
    setup(build) {
      build.onResolve({ filter: /^guardrail-entry:/ }, (args) => ({
        path: args.path.slice(16),
        namespace: "guardrail-entry",
      }));
      build.onLoad({ filter: /.*/, namespace: "guardrail-entry" }, (args) => ({
        contents:
          (packs.length > 0 ? `import "guardrail:packs:${args.path}";\n` : "") +
          `export * from ${JSON.stringify(join(ROOT, functions[args.path].entry))};\n` +
          `export { guardrailSelfCheck } from "guardrail:self-check";\n`,
        resolveDir: ROOT,
        loader: "js",
      }));

      build.onResolve({ filter: /^guardrail:packs:/ }, (args) => ({
        path: args.path.slice("guardrail:packs:".length),
        namespace: "guardrail-packs",
      }));
      build.onLoad({ filter: /.*/, namespace: "guardrail-packs" }, (args) => ({
        contents: packsModule(args.path, packs),
        resolveDir: ROOT,
        loader: "js",
      }));

      build.onResolve({ filter: /^guardrail:self-check$/ }, (args) => ({
        path: args.path,
        namespace: "guardrail-virtual",
      }));
      build.onLoad({ filter: /.*/, namespace: "guardrail-virtual" }, () => ({
        contents: SELF_CHECK_MODULE,
        resolveDir: ROOT,
        loader: "js",
      }));

      // Project code reads the policy pack through the overlay; node_modules and the overlay itself see node:fs.
      build.onResolve({ filter: /^(node:)?fs$/ }, (args) =>
        args.namespace === "file" && inProject(args.importer) ? { path: "vfs", namespace: "guardrail-vfs" } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: "guardrail-vfs" }, () => ({
        contents: vfsModule(files),
        resolveDir: ROOT,
        loader: "js",
      }));

      // The precompiled validators replace the (empty) table; ajv's compiler module is replaced by a stub.
      const policyModule = (name) => join(ROOT, "lib", "policy", name);
      build.onLoad({ filter: /[\\/]lib[\\/]policy[\\/](precompiled-table|ajv)\.ts$/ }, (args) => {
        if (args.path === policyModule("precompiled-table.ts")) {
          return { contents: precompiled.table, resolveDir: ROOT, loader: "js" };
        }
        if (args.path === policyModule("ajv.ts"))
          return { contents: NO_COMPILER_MODULE, resolveDir: ROOT, loader: "js" };
        return undefined;
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Zip (deterministic: fixed 1980-01-01 DOS timestamp, no extended time field, 0644), with yazl

/** The zip Lambda deploys; the same code always gives the same bytes, so an unchanged function keeps its hash. */
function zip(entries) {
  const file = new yazl.ZipFile();
  for (const { name, data } of entries) {
    // A local-time Date: DOS timestamps are local time, so this is 1980-01-01 00:00 on every machine.
    file.addBuffer(data, name, {
      mtime: new Date(1980, 0, 1),
      mode: 0o100644,
      compress: true,
      forceDosTimestamp: true,
    });
  }
  file.end();
  return new Promise((resolve, reject) => {
    const chunks = [];
    file.outputStream.on("data", (c) => chunks.push(c));
    file.outputStream.on("error", reject);
    file.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

// ---------------------------------------------------------------------------------------------------------------

const kb = (n) => `${(n / 1024).toFixed(0)} KB`.padStart(9);

/** The plugins every bundle gets for the libraries it carries (the functions add Guardrail's own). */
const LIBRARY_PLUGINS = (pruned) => [zodEnglishOnlyPlugin(), sdkSchemasTreeShakingPlugin(pruned)];

/** Every SDK client a bundle holds had its schema modules pruned; else the SDK's layout moved: fail the build. */
function checkSchemasPruned(name, metafile, pruned) {
  const clients = new Set(
    Object.values(metafile.outputs).flatMap((o) =>
      Object.keys(o.inputs)
        .map((p) => /node_modules\/(@aws-sdk\/client-[^/]+)\//.exec(p)?.[1])
        .filter(Boolean),
    ),
  );
  const missed = [...clients].filter((c) => !pruned.has(c));
  if (missed.length > 0) {
    throw new Error(
      `${name}: no schemas/schemas_N.js module of ${missed.join(", ")} was pruned: has the AWS SDK's layout changed? ` +
        "(sdkSchemasTreeShakingPlugin in scripts/bundle.mjs)",
    );
  }
}

/**
 * What each output file of a bundle starts with. The bundles are ES modules (code splitting needs them), and the
 * code they carry was written for CommonJS: the CommonJS packages esbuild wraps call `require` for Node's own
 * modules, and Guardrail's code and the policy overlay find the bundle's directory from `__dirname`. Every chunk is
 * written beside the entry, so `__dirname` is the same in all of them.
 */
const ESM_PRELUDE = [
  'import { createRequire as __guardrailCreateRequire } from "node:module";',
  'import { dirname as __guardrailDirname } from "node:path";',
  'import { fileURLToPath as __guardrailFileURLToPath } from "node:url";',
  "const require = __guardrailCreateRequire(import.meta.url);",
  "const __filename = __guardrailFileURLToPath(import.meta.url);",
  "const __dirname = __guardrailDirname(__filename);",
].join("\n");

/** The entry module of every bundle: `<dir>/index.mjs` (Lambda loads `index.handler` from an ES module `index.mjs`). */
const ENTRY_FILE = "index.mjs";

/**
 * esbuild options of every function bundle (and of the bench's bare ones, so they compare alike).
 * @type {import("esbuild").BuildOptions}
 */
const BUNDLE_OPTIONS = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: "node",
  target: "node22",
  // ES modules with code splitting: what Guardrail's code loads with `import()` on first use (each type's live
  // describe, each service's write table, with their SDK clients: the generated loaders of scripts/registries.mjs)
  // becomes a chunk of its own, loaded when an event needs it, and is still tree-shaken with the rest (a `require`
  // would keep those modules and every package they share with the entry whole).
  format: "esm",
  splitting: true,
  entryNames: "index",
  chunkNames: "[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  banner: { js: ESM_PRELUDE },
  // ESM builds of the SDK and Powertools, so unused clients and commands are shaken out.
  mainFields: ["module", "main"],
  // An extension pack outside the project imports the SDK clients Guardrail installs.
  nodePaths: [join(ROOT, "node_modules")],
  minify: true,
  // Not only for readable stack traces: Powertools batch tells its processors apart by
  // `this.constructor.name === "BatchProcessor"`, and the deploy test finds the SDK commands a bundle can send by
  // their class names. Measured cost: ~4% of a cold init (docs/cold-start.md).
  keepNames: true,
  metafile: true,
  logLevel: "warning",
};

/**
 * The output files a cold start loads: the entry and, transitively, the chunks it imports statically. The other
 * chunks are loaded by `import()` when an event needs them.
 */
function loadedAtInit(metafile) {
  const outputs = metafile.outputs;
  // Chunks loaded by `import()` are entry points too, for esbuild: the entry is the one written as ENTRY_FILE.
  const entry = Object.keys(outputs).find((o) => o === ENTRY_FILE || o.endsWith(`/${ENTRY_FILE}`));
  if (!entry) throw new Error("bundle: esbuild wrote no entry output");
  const seen = new Set([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const output = outputs[queue.shift()];
    for (const imp of output.imports) {
      if (imp.kind !== "import-statement" || imp.external || seen.has(imp.path)) continue;
      seen.add(imp.path);
      queue.push(imp.path);
    }
  }
  return [...seen];
}

/**
 * For the bench: the part of a function's cold start that Guardrail's code does not cause. Builds
 * `<out>/<fn>-libraries/index.mjs` from the function's own build graph (esbuild's metafile): every value each of
 * Guardrail's modules imports from a package the bundle keeps, imported the same way (same names, same resolved
 * files, so package-internal lazy imports stay lazy) and kept alive, plus the Powertools logger, metrics and
 * tracer built at module scope as every handler builds them (lib/lambda/telemetry.ts). No Guardrail module,
 * no policy pack. A package that tree-shaking removed from the function (an Athena client no handler uses) is left
 * out here too.
 */
async function librariesOnly(name, metafile, outDir) {
  // What a cold start loads (the entry and its static chunks): the libraries of chunks loaded on first use are not
  // part of a cold start.
  const initial = loadedAtInit(metafile).map((o) => metafile.outputs[o]);
  const packageOf = (path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  const initialInputs = new Set(initial.flatMap((o) => Object.keys(o.inputs)));
  const kept = new Set([...initialInputs].map(packageOf).filter(Boolean));
  const lines = [];
  const values = [];
  const seen = new Set();
  for (const [file, input] of Object.entries(metafile.inputs)) {
    if (packageOf(file) || file.includes(":") || !/\.(ts|js)$/.test(file)) continue;
    if (!initialInputs.has(file)) continue;
    const source = readFileSync(join(ROOT, file), "utf8");
    for (const imp of input.imports) {
      // (A package's path is relative to the project: `../..` first when node_modules is a link to elsewhere.)
      if (imp.kind !== "import-statement" || !packageOf(imp.path) || !kept.has(packageOf(imp.path))) {
        continue;
      }
      for (const binding of importedBindings(source, imp.original, file)) {
        const id = `${imp.path}#${binding}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const local = `l${values.length}`;
        const from = JSON.stringify(join(ROOT, imp.path));
        if (binding === "") {
          lines.push(`import ${from};`);
          continue;
        }
        if (binding === "*") lines.push(`import * as ${local} from ${from};`);
        else if (binding === "default") lines.push(`import ${local} from ${from};`);
        else lines.push(`import { ${binding} as ${local} } from ${from};`);
        values.push({ local, binding, pkg: packageOf(imp.path) });
      }
    }
  }
  const built = (pkg, binding) => values.find((v) => v.pkg === pkg && v.binding === binding)?.local;
  const telemetry = [
    ["@aws-lambda-powertools/logger", "Logger", '{ serviceName: "libraries" }'],
    ["@aws-lambda-powertools/metrics", "Metrics", '{ namespace: "Guardrail", serviceName: "libraries" }'],
    ["@aws-lambda-powertools/tracer", "Tracer", '{ serviceName: "libraries" }'],
  ]
    .filter(([pkg, cls]) => built(pkg, cls))
    .map(([pkg, cls, options]) => `new ${built(pkg, cls)}(${options})`);
  const contents =
    `// Generated by scripts/bundle.mjs --with-libraries: ${name}'s libraries without Guardrail's code.\n` +
    `${lines.join("\n")}\n` +
    `export const telemetry = [${telemetry.join(", ")}];\n` +
    `export const libraries = [${values.map((v) => v.local).join(", ")}];\n` +
    `export const handler = async () => libraries.length;\n`;
  const dir = join(outDir, `${name}-libraries`);
  rmSync(dir, { recursive: true, force: true });
  await esbuild.build({
    ...BUNDLE_OPTIONS,
    stdin: { contents, resolveDir: ROOT, loader: "js", sourcefile: `${name}-libraries.js` },
    outdir: dir,
    plugins: LIBRARY_PLUGINS(),
  });
}

/**
 * The bindings `source` imports as values from `specifier`: export names, "default", "*" (a namespace) or ""
 * (imported for its side effects only). Type-only imports are skipped, as TypeScript erases them.
 */
function importedBindings(source, specifier, where) {
  const quoted = specifier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const statement = new RegExp(`^import\\s+(?!type\\s)([^;]*?)\\s+from\\s+["']${quoted}["'];?`, "gm");
  const bindings = [];
  for (const [, clause] of source.matchAll(statement)) {
    const named = /\{([^}]*)\}/.exec(clause);
    const rest = clause.replace(/\{[^}]*\}/, "").trim();
    if (/\*\s+as\s+\w+/.test(rest)) bindings.push("*");
    else if (/^[A-Za-z_$][\w$]*/.test(rest)) bindings.push("default");
    for (const part of named ? named[1].split(",") : []) {
      const spec = part.trim();
      if (spec === "" || spec.startsWith("type ")) continue;
      bindings.push(spec.split(/\s+as\s+/)[0].trim());
    }
  }
  if (new RegExp(`^import\\s*["']${quoted}["']`, "m").test(source)) bindings.push("");
  if (bindings.length === 0 && !new RegExp(`^import\\s+type\\s[^;]*["']${quoted}["']`, "m").test(source)) {
    throw new Error(`--with-libraries: cannot read what ${where} imports from "${specifier}"`);
  }
  return bindings;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const names = args.only ?? Object.keys(functions);
  const missing = names.filter((n) => !statSync(join(ROOT, functions[n].entry), { throwIfNoEntry: false }));
  if (missing.length > 0) {
    const built = names.filter((n) => !missing.includes(n));
    for (const n of missing) console.error(`bundle: ${functions[n].entry} (function ${n}) does not exist`);
    console.error(
      built.length > 0
        ? `bundle: nothing built; to build the others: node scripts/bundle.mjs --only ${built.join(",")}`
        : "bundle: nothing built",
    );
    process.exit(1);
  }

  const packs = packDirs();
  const files = packFiles(packs);
  const precompiled = await precompiledValidators(files);
  mkdirSync(args.out, { recursive: true });
  const results = await Promise.all(
    names.map(async (name) => {
      const dir = join(args.out, name);
      rmSync(dir, { recursive: true, force: true });
      const pruned = new Set();
      const result = await esbuild.build({
        ...BUNDLE_OPTIONS,
        entryPoints: [`guardrail-entry:${name}`],
        outdir: dir,
        plugins: [guardrailPlugin(files, precompiled, packs), packResolution(), ...LIBRARY_PLUGINS(pruned)],
      });
      if (result.errors.length > 0) throw new Error(`bundle ${name} failed`);
      checkSchemasPruned(name, result.metafile, pruned);
      if (args.withLibraries) await librariesOnly(name, result.metafile, args.out);
      // Everything but Node's own modules is in the bundle: no package is left to the runtime's copy.
      const externals = [
        ...new Set(
          Object.values(result.metafile.outputs)
            .flatMap((o) => o.imports)
            .filter((i) => i.external)
            .map((i) => i.path),
        ),
      ].sort();
      const notBuiltin = externals.filter((p) => !builtinModules.includes(p.replace(/^node:/, "")));
      if (notBuiltin.length > 0) throw new Error(`${name}: left outside the bundle: ${notBuiltin.join(", ")}`);
      for (const f of precompiled.files) writeFileSync(join(dir, f.name), f.data);
      // The entry first, then its chunks and the validators' files, by name: the same code gives the same zip.
      const outputs = Object.keys(result.metafile.outputs).map((o) =>
        relative(dir, join(ROOT, o)).split(sep).join("/"),
      );
      const others = [...outputs.filter((f) => f !== ENTRY_FILE), ...precompiled.files.map((f) => f.name)];
      const outFiles = [ENTRY_FILE, ...others.sort()];
      if (!outputs.includes(ENTRY_FILE)) throw new Error(`${name}: esbuild wrote no ${ENTRY_FILE}`);
      const data = outFiles.map((f) => ({ name: f, data: readFileSync(join(dir, f)) }));
      const bundleBytes = data.reduce((n, f) => n + f.data.length, 0);
      const atInit = new Set(
        loadedAtInit(result.metafile).map((o) => relative(dir, join(ROOT, o)).split(sep).join("/")),
      );
      const initBytes = data.filter((f) => atInit.has(f.name)).reduce((n, f) => n + f.data.length, 0);
      const zipped = await zip(data);
      writeFileSync(join(args.out, `${name}.zip`), zipped);
      // Guardrail's own modules in the bundle (the deploy tests check the role allows every SDK call they make).
      const sources = Object.keys(result.metafile.inputs)
        .filter((p) => !/(^|\/)node_modules\//.test(p) && !p.includes(":") && /\.(ts|js)$/.test(p))
        .sort();
      const initInputs = new Set(
        Object.entries(result.metafile.outputs)
          .filter(([o]) => atInit.has(relative(dir, join(ROOT, o)).split(sep).join("/")))
          .flatMap(([, o]) => Object.keys(o.inputs)),
      );
      const manifest = {
        function: name,
        entry: functions[name].entry,
        // Every file of the bundle (the entry and all its chunks), and the part of it a cold start loads.
        bundleBytes,
        initBytes,
        zipBytes: zipped.length,
        files: outFiles,
        filesAtInit: outFiles.filter((f) => atInit.has(f)),
        bytesByPackage: bytesByPackage(result.metafile),
        bytesByPackageAtInit: bytesByPackage(result.metafile, atInit, dir),
        externals,
        sources,
        // The sources a cold start loads; the others are in chunks loaded on first use.
        sourcesAtInit: sources.filter((p) => initInputs.has(p)),
      };
      writeFileSync(join(args.out, `${name}.json`), JSON.stringify(manifest, null, 2) + "\n");
      return { name, bundle: bundleBytes, init: initBytes, files: outFiles.length, zip: zipped.length };
    }),
  );
  for (const { name, file } of args.bare) {
    if (functions[name]) throw new Error(`--bare ${name}: that is a function's name`);
    const dir = join(args.out, name);
    rmSync(dir, { recursive: true, force: true });
    await esbuild.build({
      ...BUNDLE_OPTIONS,
      stdin: { contents: readFileSync(file, "utf8"), resolveDir: ROOT, loader: "ts", sourcefile: relative(ROOT, file) },
      outdir: dir,
      plugins: LIBRARY_PLUGINS(),
    });
  }
  console.log(`bundles in ${relative(process.cwd(), args.out) || "."}:`);
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(18)} ${String(r.files).padStart(3)} files ${kb(r.bundle)} (at init ${kb(r.init).trim()})   ${r.name}.zip ${kb(r.zip)}`,
    );
  }
}

/**
 * Minified bytes each package contributes to the bundle (esbuild's metafile `bytesInOutput`), largest first;
 * Guardrail's own code is "guardrail", generated modules "(generated)". What the bench prints to explain a size.
 * With `only` (file names relative to `dir`), the bytes of those output files alone.
 */
function bytesByPackage(metafile, only, dir) {
  const totals = new Map();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (only && !only.has(relative(dir, join(ROOT, file)).split(sep).join("/"))) continue;
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const pkg = m ? m[1] : path.includes(":") ? "(generated)" : "guardrail";
      totals.set(pkg, (totals.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]));
}

main().catch((e) => {
  console.error(`bundle: ${e.message}`);
  process.exit(1);
});
