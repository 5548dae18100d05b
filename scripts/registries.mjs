#!/usr/bin/env node
// @ts-check
// Writes the index of each registry folder (one static import per module file), and the policy meta-schema built
// from them (policies/policy.schema.json), so adding a service, a resource type, a describe or a remediation action
// is adding its file and running this (`npm run registries`), never editing a list by hand. The indexes are committed: the CLI, ts-jest and the esbuild bundles all import them as
// ordinary modules (no directory walk at run time, no source parsing at build time), and
// test/unit/registries.test.ts fails, naming this command, when one is stale.
//
//   node scripts/registries.mjs           rewrite the indexes that changed
//   node scripts/registries.mjs --check   exit 1, naming them, when an index is not what this would write

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import prettier from "prettier";
import { frameworksDocText, readFrameworks } from "./frameworks-doc.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// The TypeScript registries, compiled and evaluated as the deployment's generators read them.
const { loadTs } = createRequire(import.meta.url)("../deploy/load-ts.js");

/**
 * @typedef {object} Registry
 * @property {string} dir         folder of the modules, from the repository root
 * @property {string} index       the generated file, in that folder
 * @property {(file: string) => boolean} member  which files of the folder are modules of the registry
 * @property {string[]} exports   what each module exports, all required
 * @property {string} list        the exported array (or map, with `lazy`)
 * @property {string} what        one line on what the registry holds
 * @property {string} [type]      `import type { X } from "..."` for the array's element type, when not `as const`
 * @property {string} [elementType] the array's element type
 * @property {Lazy} [lazy]      instead of the array, a map of loaders (`import()`), in `index`
 * @property {Lazy & { index: string }} [alsoLazy] beside the array, a map of loaders in a file of its own
 */

/**
 * A registry loaded per key on first use: `key → () => import("./<module>").then((m) => m.<export>)`. In a Lambda
 * bundle (ESM, code splitting: scripts/bundle.mjs) each module becomes a chunk loaded when an event needs it, still
 * tree-shaken; tsc compiles `import()` to a `require` inside a promise, so the CLI and the tests load it the same way.
 * The keys are read from the modules themselves (evaluated here), never derived from file names.
 * @typedef {object} Lazy
 * @property {string} name       the exported map
 * @property {string} export     what of each module the loader resolves to
 * @property {string} keyOf      the key, an expression on `m` (the module namespace)
 * @property {string} type       `import type { X } from "..."` for the value type
 * @property {string} valueType
 * @property {string} [what]     one line on what the map holds (a registry's own `lazy`: the registry's `what`)
 */

const notIndex = (f) => f !== "index.ts" && f !== "describers.ts" && f !== "listers.ts" && f !== "loaders.ts";
const ts = (f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !f.includes(".test.");

/** @type {Registry[]} */
export const REGISTRIES = [
  {
    dir: "lib/aws/services",
    index: "index.ts",
    member: (f) => ts(f) && notIndex(f),
    exports: ["service", "operations"],
    list: "SERVICES",
    what: "every AWS service module (./<service>.ts): its SDK client, identity and operations",
    // The executor's loaders: a worker loads a service's operation table (its SDK commands and client) when a plan
    // names that service.
    alsoLazy: {
      index: "loaders.ts",
      name: "OPERATION_LOADERS",
      export: "operations",
      keyOf: "m.service.name",
      type: 'import type { OperationTable } from "../service";',
      valueType: "OperationTable",
      what: "each service's operation table (./<service>.ts `operations`), by service name, loaded on first use",
    },
  },
  {
    dir: "lib/resources/types",
    index: "index.ts",
    member: (f) => ts(f) && notIndex(f) && !f.endsWith(".describe.ts") && !f.endsWith(".list.ts"),
    exports: ["adapter"],
    list: "ADAPTERS",
    what: "every resource type adapter (./<type>.ts)",
    type: 'import type { ResourceAdapter } from "../adapter";',
    elementType: "ResourceAdapter",
  },
  {
    dir: "lib/resources/types",
    index: "describers.ts",
    member: (f) => f.endsWith(".describe.ts"),
    exports: ["describer"],
    list: "DESCRIBER_LOADERS",
    what:
      "every live describe (./<type>.describe.ts) by resource type, loaded on first use: kept apart from the " +
      "adapters so that scans load no SDK, and a handler loads only the describes its events need",
    lazy: {
      name: "DESCRIBER_LOADERS",
      export: "describer",
      keyOf: "m.describer.type",
      type: 'import type { Describer } from "../describe";',
      valueType: "Describer",
    },
  },
  {
    dir: "lib/resources/types",
    index: "listers.ts",
    member: (f) => f.endsWith(".list.ts"),
    exports: ["lister"],
    list: "LISTERS",
    what: "every live listing (./<type>.list.ts), for `scan --live` alone: no handler bundles them",
    type: 'import type { Lister } from "../list";',
    elementType: "Lister",
  },
  {
    dir: "lib/resources/references",
    index: "index.ts",
    member: (f) => ts(f) && notIndex(f),
    exports: ["identity"],
    list: "REFERENCES",
    what: "resource types templates point at that no adapter judges (./<type>.ts): their identity only",
    type: 'import type { ResourceIdentity } from "../adapter";',
    elementType: "ResourceIdentity",
  },
  {
    dir: "lib/local/account/services",
    index: "index.ts",
    member: (f) => ts(f) && notIndex(f) && f !== "types.ts",
    exports: ["emulation"],
    list: "EMULATIONS",
    what: "every service the local account serves (./<service>.ts)",
    type: 'import type { ServiceEmulation } from "./types";',
    elementType: "ServiceEmulation",
  },
  {
    dir: "remediations/actions",
    index: "index.ts",
    member: (f) => ts(f) && notIndex(f),
    exports: ["action"],
    list: "ACTIONS",
    what: "every remediation action (./<action-id>.ts)",
    type: 'import type { RemediationAction } from "../../lib/remediation/types";',
    elementType: "RemediationAction",
  },
];

/** An identifier for a module file: `aws-sqs-queue.describe.ts` → `awsSqsQueueDescribe`. */
function identifier(file) {
  const words = file
    .replace(/\.ts$/, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join("");
}

/** @param {Registry} r */
export function moduleFiles(r) {
  return readdirSync(join(ROOT, r.dir)).filter(r.member).sort();
}

/**
 * Each module's key (Lazy.keyOf), read by evaluating the modules as the deployment's generators do.
 * @param {Registry} r
 * @param {Lazy} lazy
 * @param {string[]} files
 */
function lazyKeys(r, lazy, files) {
  const entry =
    files.map((f, i) => `import * as m${i} from "./${r.dir}/${f}";`).join("\n") +
    `\nexport const keys = [${files.map((_, i) => `((m) => ${lazy.keyOf})(m${i})`).join(", ")}];\n`;
  const { keys } = /** @type {{ keys: unknown[] }} */ (loadTs(entry));
  keys.forEach((k, i) => {
    if (typeof k !== "string" || k === "") throw new Error(`${r.dir}/${files[i]}: ${lazy.keyOf} is not a string`);
    const first = keys.indexOf(k);
    if (first !== i) throw new Error(`${r.dir}/${files[first]} and ${files[i]} both have the key ${k}`);
  });
  return /** @type {string[]} */ (keys);
}

/**
 * @param {Registry} r
 * @param {Lazy} lazy
 * @param {string} what
 */
function lazyText(r, lazy, what) {
  const files = moduleFiles(r);
  const keys = lazyKeys(r, lazy, files);
  const order = files.map((f, i) => ({ f, key: keys[i] })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return (
    `// Generated by scripts/registries.mjs (npm run registries): ${what}. Do not edit by hand.\n` +
    `${lazy.type}\n\n` +
    `export const ${lazy.name}: Readonly<Record<string, () => Promise<${lazy.valueType}>>> = {\n` +
    order
      .map(
        ({ f, key }) =>
          `  ${JSON.stringify(key)}: () => import("./${f.replace(/\.ts$/, "")}").then((m) => m.${lazy.export}),\n`,
      )
      .join("") +
    `};\n`
  );
}

/** @param {string} text @param {string} path */
async function formatted(text, path) {
  const options = (await prettier.resolveConfig(path)) ?? {};
  return prettier.format(text, { ...options, filepath: path });
}

/** @param {Registry} r */
async function indexText(r) {
  if (r.lazy) return formatted(lazyText(r, r.lazy, r.lazy.what ?? r.what), join(ROOT, r.dir, r.index));
  const files = moduleFiles(r);
  const lines = [
    `// Generated by scripts/registries.mjs (npm run registries): ${r.what}. Do not edit by hand.`,
    ...(r.type ? [r.type] : []),
  ];
  const entries = [];
  for (const f of files) {
    const id = identifier(f);
    const names = r.exports.map((e) => `${e} as ${id}${r.exports.length > 1 ? e[0].toUpperCase() + e.slice(1) : ""}`);
    lines.push(`import { ${names.join(", ")} } from "./${f.replace(/\.ts$/, "")}";`);
    entries.push(
      r.exports.length > 1
        ? `{ ${r.exports.map((e) => `${e}: ${id}${e[0].toUpperCase() + e.slice(1)}`).join(", ")} }`
        : id,
    );
  }
  const list = r.elementType
    ? `export const ${r.list}: readonly ${r.elementType}[] = [${entries.join(", ")}];`
    : `export const ${r.list} = [${entries.join(", ")}] as const;`;
  const text = `${lines.join("\n")}\n\n${list}\n`;
  return formatted(text, join(ROOT, r.dir, r.index));
}

/**
 * What the registries hold, for the meta-schema: the adapters' types and the actions (ids, params schemas), from the
 * indexes as they are on disk (written first by main()).
 */
function registryData() {
  const entry = [
    `export { ADAPTERS } from "./lib/resources/types/index.ts";`,
    `export { ACTIONS } from "./remediations/actions/index.ts";`,
    `export { paramsSchemaOf } from "./lib/remediation/types.ts";`,
  ].join("\n");
  return /** @type {{ ADAPTERS: { type: string }[], ACTIONS: { id: string, description: string, params?: object }[], paramsSchemaOf: (a: { params?: object }) => object }} */ (
    loadTs(entry)
  );
}

const META_BASE = "lib/policy/policy.base.schema.json";
const META_OUT = "policies/policy.schema.json";

/**
 * policies/policy.schema.json: the hand-written base with what the registries know added, so that an editor
 * completes resource types and action ids (`examples`), checks each action's params (`if` action, `then` its
 * params schema) and offers the framework ids. Validation stays open to extension packs' types and actions.
 */
async function metaSchemaText() {
  const { ADAPTERS, ACTIONS, paramsSchemaOf } = registryData();
  const schema = JSON.parse(readFileSync(join(ROOT, META_BASE), "utf8"));
  schema.$comment = `Generated by scripts/registries.mjs (npm run registries) from ${META_BASE} and the registries. Do not edit by hand.`;
  schema.properties.subject.oneOf[0].properties.resourceTypes.items.examples = ADAPTERS.map((a) => a.type).sort();
  const remediation = schema.properties.remediation;
  remediation.properties.action.examples = ACTIONS.map((a) => a.id).sort();
  remediation.allOf = [...ACTIONS]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((a) => ({
      if: { required: ["action"], properties: { action: { const: a.id } } },
      then: { properties: { params: paramsSchemaOf(a) } },
    }));
  schema.properties.frameworks.properties = Object.fromEntries(
    readFrameworks(ROOT).map((f) => [f.id, { description: `${f.name} ${f.version}`, $ref: "#/$defs/controlIds" }]),
  );
  const options = (await prettier.resolveConfig(join(ROOT, META_OUT))) ?? {};
  return prettier.format(JSON.stringify(schema), { ...options, filepath: join(ROOT, META_OUT) });
}

/** The indexes (and the meta-schema) that differ from what would be written: `{ path, text }`. */
export async function staleIndexes() {
  const stale = [];
  const targets = REGISTRIES.map((r) => ({ path: join(ROOT, r.dir, r.index), text: () => indexText(r) }));
  for (const r of REGISTRIES) {
    const also = r.alsoLazy;
    if (also) {
      const path = join(ROOT, r.dir, also.index);
      targets.push({ path, text: () => formatted(lazyText(r, also, also.what ?? r.what), path) });
    }
  }
  targets.push({ path: join(ROOT, META_OUT), text: metaSchemaText });
  const doc = join(ROOT, "docs", "frameworks.md");
  targets.push({ path: doc, text: () => formatted(frameworksDocText(ROOT), doc) });
  for (const t of targets) {
    const path = t.path;
    const text = await t.text();
    let current = "";
    try {
      current = readFileSync(path, "utf8");
    } catch {
      // not written yet
    }
    if (current !== text) stale.push({ path, text });
  }
  return stale;
}

async function main() {
  const check = process.argv.includes("--check");
  let stale = await staleIndexes();
  for (const { path, text } of stale) {
    if (check) console.error(`stale: ${relative(ROOT, path)}`);
    else {
      writeFileSync(path, text);
      console.log(`wrote ${relative(ROOT, path)}`);
    }
  }
  // The meta-schema reads the indexes: written again once they are.
  if (!check && stale.length > 0) {
    stale = await staleIndexes();
    for (const { path, text } of stale) {
      writeFileSync(path, text);
      console.log(`wrote ${relative(ROOT, path)}`);
    }
  }
  if (check && stale.length > 0) {
    console.error("run `npm run registries` to rewrite them");
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`registries: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
