import type { Message } from "esbuild";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { addServiceModules } from "../aws/added";
import { addFrameworkDirs } from "../policy/frameworks";
import { serviceModuleProblems, type ServiceModule } from "../aws/service";
import { actionFor, addActions } from "../remediation/planning/registry";
import type { RemediationAction } from "../remediation/types";
import { addDescribers } from "../resources/added";
import type { ResourceAdapter, ResourceIdentity } from "../resources/adapter";
import type { Describer } from "../resources/describe";
import { addResourceTypes, resourceIdentities } from "../resources/registry";
import { isObject } from "../util/json";
import { isDescribe, packModuleFiles } from "./layout";

/**
 * Extension packs (docs/extending.md): a folder, or an npm package, holding a team's policies and, optionally,
 * resource types, service modules and remediation actions in the shape of the built-in folders (./layout.ts).
 *
 * Modules are TypeScript or JavaScript, each compiled here with esbuild (their packages left to Node), checked for
 * the export its folder asks and registered beside the built-in ones. `"guardrail"` in a pack's imports is this
 * Guardrail's ./api.ts, so its clients share the one client factory. Describes and services, which load SDK
 * clients, are loaded only when asked (`aws`), as the built-in ones are: a scan loads no SDK. Every problem is an
 * ExtensionPackError naming the file (and, for a compile error, the line and column).
 */

export class ExtensionPackError extends Error {}

const shown = (file: string) => relative(process.cwd(), file) || file;

/** One module of a pack, compiled and evaluated on its own, so that whatever fails names its file. */
function evaluate(dir: string, file: string): Record<string, unknown> {
  let code: string;
  try {
    // Loaded only when a pack is: a command without one does not pay for esbuild.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildSync } = require("esbuild") as typeof import("esbuild");
    code =
      buildSync({
        entryPoints: [file],
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        packages: "external",
        write: false,
        logLevel: "silent",
      }).outputFiles[0]?.text ?? "";
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors ?? [];
    const where = (m: Message) =>
      m.location ? `${shown(resolve(dir, m.location.file))}:${m.location.line}:${m.location.column + 1}  ` : "";
    throw new ExtensionPackError(
      errors.length > 0
        ? errors.map((m) => `${where(m)}${m.text}`).join("\n")
        : `${shown(file)}: ${(e as Error).message}`,
    );
  }
  const fromPack = createRequire(join(dir, "package.json"));
  const packRequire = (id: string): unknown => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (id === "guardrail") return require("./api");
    try {
      return fromPack(id);
    } catch (e) {
      if ((e as { code?: string }).code !== "MODULE_NOT_FOUND") throw e;
      // A package the pack does not install itself: Guardrail's own (the AWS SDK clients it ships with).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(id);
    }
  };
  const mod = { exports: {} as Record<string, unknown> };
  try {
    new Function("module", "exports", "require", "__filename", "__dirname", code)(
      mod,
      mod.exports,
      packRequire,
      file,
      dirname(file),
    );
  } catch (e) {
    throw new ExtensionPackError(`${shown(file)}: loading it failed: ${(e as Error).message}`);
  }
  return mod.exports;
}

/** The export a pack module of this folder must have, checked; a problem names the file and says what is wrong. */
function exported<T>(dir: string, file: string, name: string, problemsOf: (v: Record<string, unknown>) => string[]): T {
  const v = evaluate(dir, file)[name];
  if (!isObject(v)) throw new ExtensionPackError(`${shown(file)}: does not export \`${name}\` as a pack module must`);
  const problems = problemsOf(v);
  if (problems.length > 0) throw new ExtensionPackError(`${shown(file)}: \`${name}\`: ${problems.join("; ")}`);
  return v as T;
}

const fn = (v: Record<string, unknown>, key: string) =>
  typeof v[key] === "function" ? [] : [`${key} must be a function`];
const typeName = (v: Record<string, unknown>) =>
  typeof v.type === "string" && /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(v.type)
    ? []
    : ["type must be an AWS resource type (AWS::Service::Resource)"];

const adapterProblems = (a: Record<string, unknown>) => [
  ...typeName(a),
  ...(typeof a.service === "string" ? [] : ["service must be a string"]),
  ...(isObject(a.documentSchema) ? [] : ["documentSchema must be a JSON Schema"]),
  ...fn(a, "fromConfigItem"),
];
const actionProblems = (a: Record<string, unknown>) => [
  ...(typeof a.id === "string" && /^[a-z][a-z0-9-]+$/.test(a.id) ? [] : ["id must be lower-case words joined by -"]),
  ...(Array.isArray(a.resourceTypes) && a.resourceTypes.every((t) => typeof t === "string")
    ? []
    : ["resourceTypes must be a list of resource types"]),
  ...(typeof a.description === "string" ? [] : ["description must be a string"]),
  ...(a.params === undefined || isObject(a.params) ? [] : ["params must be a JSON Schema"]),
  ...fn(a, "plan"),
  ...fn(a, "restore"),
];

const loaded = new Set<string>();
const loadedAws = new Set<string>();

/**
 * Loads a pack's modules once per process and registers them; with `aws`, its services and describes too. A type,
 * action or service that is already known (built in, or from another pack) is an error: a pack adds, it never
 * replaces.
 */
export function loadExtensionPack(dir: string, opts: { aws?: boolean } = {}): void {
  if (!loaded.has(dir)) {
    const adapters = packModuleFiles(dir, "types", (f) => !isDescribe(f)).map((f) => {
      const a = exported<ResourceAdapter>(dir, f, "adapter", adapterProblems);
      if (resourceIdentities().has(a.type)) throw new ExtensionPackError(`${shown(f)}: ${a.type} is already known`);
      return a;
    });
    const references = packModuleFiles(dir, "references").map((f) => {
      const r = exported<ResourceIdentity>(dir, f, "identity", typeName);
      if (resourceIdentities().has(r.type)) throw new ExtensionPackError(`${shown(f)}: ${r.type} is already known`);
      return r;
    });
    const actions = packModuleFiles(dir, "actions").map((f) => {
      const a = exported<RemediationAction>(dir, f, "action", actionProblems);
      if (actionFor(a.id)) throw new ExtensionPackError(`${shown(f)}: an action "${a.id}" is already known`);
      return a;
    });
    addResourceTypes({ adapters, references });
    addActions(actions);
    addFrameworkDirs([join(dir, "frameworks")]);
    loaded.add(dir);
  }
  if (opts.aws && !loadedAws.has(dir)) {
    // The built-in services, to refuse a pack's that is already known: loaded here, where the SDK is wanted anyway.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { serviceModules } = require("../aws/registry") as typeof import("../aws/registry");
    const services = packModuleFiles(dir, "services").map((f) => {
      const m = evaluate(dir, f) as unknown as ServiceModule;
      const problems = serviceModuleProblems(m);
      if (problems.length > 0) throw new ExtensionPackError(`${shown(f)}: ${problems.join("; ")}`);
      if (serviceModules().has(m.service.name)) {
        throw new ExtensionPackError(`${shown(f)}: a service "${m.service.name}" is already known`);
      }
      return { service: m.service, operations: m.operations };
    });
    const describers = packModuleFiles(dir, "types", isDescribe).map((f) =>
      exported<Describer>(dir, f, "describer", (d) => [...typeName(d), ...fn(d, "describe")]),
    );
    addServiceModules(services);
    addDescribers(describers);
    loadedAws.add(dir);
  }
}
