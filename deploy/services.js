// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * The service modules (lib/aws/services/, TypeScript) as the deployment's generators read them: each service's
 * name, CloudTrail event source and operations with their IAM actions, as plain data. The registry is compiled with
 * esbuild (the SDK packages left to Node) and evaluated here, so the IAM statements and EventBridge patterns are
 * derived from the same modules the code sends its calls with: the built-in ones and the extension packs'
 * (./packs.js).
 */

const path = require("node:path");
const { createRequire } = require("node:module");
const { loadTs, ROOT } = require("./load-ts");
const { packDirs, packModules } = require("./packs");

/**
 * @typedef {{ action: string, access: "read" | "write" | "restore" | "own", resources?: string[], resourceAccount?: boolean }} Operation
 * @typedef {{ name: string, serviceId: string, eventSource: string, operations: Record<string, Operation> }} Service
 */

/** @type {Service[] | undefined} */
let cached;

/** @returns {Service[]} every service module of the registry, in its order. */
function serviceTable() {
  if (cached) return cached;
  const packs = packDirs();
  const packFiles = packs.flatMap((dir) => packModules(dir, "services"));
  const contents =
    `import { SERVICES } from ${JSON.stringify(path.join(ROOT, "lib", "aws", "services", "index.ts"))};\n` +
    `export { serviceModuleProblems } from ${JSON.stringify(path.join(ROOT, "lib", "aws", "service.ts"))};\n` +
    packFiles.map((f, i) => `import * as p${i} from ${JSON.stringify(f)};`).join("\n") +
    `\nexport const ALL = [...SERVICES${packFiles.map((_, i) => `, p${i}`).join("")}];\n`;
  // The packages the modules import: from a pack's own folder first, else Guardrail's (the SDK clients it ships).
  const requirers = [...packs.map((dir) => createRequire(path.join(dir, "package.json"))), require];
  /** @param {string} id */
  const load = (id) => {
    let last;
    for (const r of requirers) {
      try {
        return r(id);
      } catch (e) {
        if (/** @type {{ code?: string }} */ (e).code !== "MODULE_NOT_FOUND") throw e;
        last = e;
      }
    }
    throw last;
  };
  // A pack's `"guardrail"` is this Guardrail's pack API (its `service` objects name SDK clients, left to Node).
  const mod = {
    exports: loadTs(contents, { alias: { guardrail: path.join(ROOT, "lib", "pack", "api.ts") }, require: load }),
  };
  const services =
    /** @type {{ service: Service, operations: Record<string, Operation & { command?: unknown }> }[]} */ (
      mod.exports.ALL
    );
  // The roles grant what the modules declare: a declaration that would widen them stops the package step.
  const names = new Set();
  services.forEach((m, i) => {
    const where =
      i < services.length - packFiles.length
        ? `lib/aws/services (${m.service?.name})`
        : packFiles[i - (services.length - packFiles.length)];
    const problems = mod.exports.serviceModuleProblems(m);
    if (problems.length > 0) throw new Error(`${where}: ${problems.join("; ")}`);
    if (names.has(m.service.name)) throw new Error(`${where}: a service "${m.service.name}" is already known`);
    names.add(m.service.name);
  });
  cached = services.map(({ service, operations }) => ({
    name: service.name,
    serviceId: service.serviceId,
    eventSource: service.eventSource,
    operations: Object.fromEntries(
      Object.entries(operations).map(([op, { action, access, resources, resourceAccount }]) => [
        op,
        {
          action,
          access,
          ...(resources ? { resources: [...resources] } : {}),
          ...(resourceAccount ? { resourceAccount } : {}),
        },
      ]),
    ),
  }));
  return cached;
}

module.exports = { serviceTable };
