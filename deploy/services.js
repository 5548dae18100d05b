// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";

/**
 * The service modules (lib/aws/services/, TypeScript) as the deployment's generators read them: each service's
 * name, CloudTrail event source and operations with their IAM actions, as plain data. The registry is compiled with
 * esbuild (the SDK packages left to Node) and evaluated here, so the IAM statements and EventBridge patterns are
 * derived from the same modules the code sends its calls with.
 */

const path = require("node:path");
const esbuild = require("esbuild");

const ROOT = path.resolve(__dirname, "..");

/**
 * @typedef {{ action: string, access: "read" | "write" | "own", resources?: string[], resourceAccount?: boolean }} Operation
 * @typedef {{ name: string, serviceId: string, eventSource: string, operations: Record<string, Operation> }} Service
 */

/** @type {Service[] | undefined} */
let cached;

/** @returns {Service[]} every service module of the registry, in its order. */
function serviceTable() {
  if (cached) return cached;
  const built = esbuild.buildSync({
    stdin: {
      contents: `export { SERVICES } from ${JSON.stringify(path.join(ROOT, "lib", "aws", "services", "index.ts"))};`,
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "cjs",
    packages: "external",
    write: false,
    logLevel: "warning",
  });
  const mod = { exports: /** @type {Record<string, unknown>} */ ({}) };
  new Function("module", "exports", "require", built.outputFiles[0].text)(mod, mod.exports, require);
  const services =
    /** @type {{ service: Service, operations: Record<string, Operation & { command?: unknown }> }[]} */ (
      mod.exports.SERVICES
    );
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
