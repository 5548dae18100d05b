import type { Message } from "esbuild";
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { addServiceModules } from "../aws/added";
import type { ServiceModule } from "../aws/service";
import type { RemediationAction } from "../remediation/types";
import { addActions } from "../remediation/registry";
import type { ResourceAdapter, ResourceIdentity } from "../resources/adapter";
import { addDescribers } from "../resources/added";
import type { Describer } from "../resources/describe";
import { addResourceTypes } from "../resources/registry";

/**
 * Extension packs (docs/extending.md): a folder, or an npm package, holding a team's policies and, optionally,
 * resource types, service modules and remediation actions in the shape of the built-in folders:
 *
 *   policies/<service>/<id>.json     types/<type>.ts (`adapter`), types/<type>.describe.ts (`describer`)
 *   services/<name>.ts (`service`, `operations`)     references/<type>.ts (`identity`)     actions/<id>.ts (`action`)
 *
 * Modules are TypeScript or JavaScript, compiled here with esbuild (their packages left to Node) and registered
 * beside the built-in ones. `"guardrail"` in a pack's imports is this Guardrail's ./api.ts, so its clients share
 * the one client factory. Describes and services, which load SDK clients, are loaded only when asked (`aws`), as
 * the built-in ones are: a scan loads no SDK.
 */

export class ExtensionPackError extends Error {}

export interface ExtensionPack {
  /** The pack's folder, absolute. */
  dir: string;
  /** Its `policies/` folder, when it has one. */
  policies?: string;
  adapters: ResourceAdapter[];
  references: ResourceIdentity[];
  actions: RemediationAction[];
  /** Loaded with `aws`. */
  services: ServiceModule[];
  describers: Describer[];
}

/** The folder a `--pack` value names: a folder, or an npm package resolvable from `cwd`. */
export function resolvePackDir(spec: string, cwd = process.cwd()): string {
  const asPath = resolve(cwd, spec);
  if (existsSync(asPath)) {
    if (!statSync(asPath).isDirectory()) throw new ExtensionPackError(`--pack ${spec}: not a folder`);
    return realpathSync(asPath);
  }
  try {
    return realpathSync(dirname(createRequire(join(cwd, "package.json")).resolve(`${spec}/package.json`)));
  } catch {
    throw new ExtensionPackError(`--pack ${spec}: no such folder, nor an npm package installed here`);
  }
}

const MODULE_FILE = /^[^.][^/]*\.(ts|js|mts|mjs|cts|cjs)$/;

function moduleFiles(dir: string, sub: string, keep: (f: string) => boolean): string[] {
  const at = join(dir, sub);
  if (!existsSync(at)) return [];
  return readdirSync(at)
    .filter((f) => MODULE_FILE.test(f) && !/\.d\.[mc]?ts$/.test(f) && !f.includes(".test.") && keep(f))
    .sort()
    .map((f) => join(at, f));
}

const isDescribe = (f: string) => /\.describe\.[mc]?[jt]s$/.test(f);

/** The modules of a pack, compiled in one esbuild run and evaluated; each file's exports by path. */
function evaluate(dir: string, files: string[]): Map<string, Record<string, unknown>> {
  if (files.length === 0) return new Map();
  const entry =
    files.map((f, i) => `import * as m${i} from ${JSON.stringify(f)};`).join("\n") +
    `\nexport const modules = [${files.map((_, i) => `m${i}`).join(", ")}];\n`;
  let code: string;
  try {
    // Loaded only when a pack is: a command without one does not pay for esbuild.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildSync } = require("esbuild") as typeof import("esbuild");
    const built = buildSync({
      stdin: { contents: entry, resolveDir: dir, loader: "js", sourcefile: "guardrail-pack-entry.js" },
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      packages: "external",
      write: false,
      logLevel: "silent",
    });
    code = built.outputFiles[0]?.text ?? "";
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors ?? [];
    const where = (m: Message) =>
      m.location
        ? `${relative(process.cwd(), resolve(dir, m.location.file))}:${m.location.line}:${m.location.column + 1}  `
        : "";
    throw new ExtensionPackError(
      errors.length > 0 ? errors.map((m) => `${where(m)}${m.text}`).join("\n") : `${dir}: ${(e as Error).message}`,
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
  const mod = { exports: {} as { modules?: Record<string, unknown>[] } };
  try {
    new Function("module", "exports", "require", code)(mod, mod.exports, packRequire);
  } catch (e) {
    throw new ExtensionPackError(`${dir}: loading its modules failed: ${(e as Error).message}`);
  }
  return new Map(files.map((f, i) => [f, mod.exports.modules?.[i] ?? {}]));
}

function exported<T>(modules: Map<string, Record<string, unknown>>, name: string, check: (v: T) => boolean): T[] {
  return [...modules].map(([file, m]) => {
    const v = m[name] as T;
    if (v === undefined || v === null || !check(v)) {
      throw new ExtensionPackError(
        `${relative(process.cwd(), file)}: does not export \`${name}\` as a pack module must`,
      );
    }
    return v;
  });
}

const loaded = new Map<string, ExtensionPack>();
const loadedAws = new Set<string>();

/**
 * Loads a pack's modules once per process and registers them; with `aws`, its services and describes too.
 * Problems are ExtensionPackErrors naming the file and place.
 */
export function loadExtensionPack(dir: string, opts: { aws?: boolean } = {}): ExtensionPack {
  let pack = loaded.get(dir);
  if (!pack) {
    const typeFiles = moduleFiles(dir, "types", (f) => !isDescribe(f));
    const refFiles = moduleFiles(dir, "references", () => true);
    const actionFiles = moduleFiles(dir, "actions", () => true);
    const modules = evaluate(dir, [...typeFiles, ...refFiles, ...actionFiles]);
    const pick = (files: string[]) => new Map(files.map((f) => [f, modules.get(f) ?? {}]));
    const isTyped = (v: { type?: unknown }) => typeof v.type === "string";
    pack = {
      dir,
      ...(existsSync(join(dir, "policies")) ? { policies: join(dir, "policies") } : {}),
      adapters: exported<ResourceAdapter>(
        pick(typeFiles),
        "adapter",
        (a) => isTyped(a) && typeof a.fromConfigItem === "function",
      ),
      references: exported<ResourceIdentity>(pick(refFiles), "identity", isTyped),
      actions: exported<RemediationAction>(
        pick(actionFiles),
        "action",
        (a) => typeof a.id === "string" && typeof a.plan === "function",
      ),
      services: [],
      describers: [],
    };
    addResourceTypes({ adapters: pack.adapters, references: pack.references });
    addActions(pack.actions);
    loaded.set(dir, pack);
  }
  if (opts.aws && !loadedAws.has(dir)) {
    const serviceFiles = moduleFiles(dir, "services", () => true);
    const describeFiles = moduleFiles(dir, "types", isDescribe);
    const modules = evaluate(dir, [...serviceFiles, ...describeFiles]);
    const pick = (files: string[]) => new Map(files.map((f) => [f, modules.get(f) ?? {}]));
    const services = exported<ServiceDefinitionLike>(pick(serviceFiles), "service", (s) => typeof s.name === "string");
    const operations = exported<ServiceModule["operations"]>(
      pick(serviceFiles),
      "operations",
      (o) => typeof o === "object",
    );
    pack.services = services.map((service, i) => ({ service, operations: operations[i] ?? {} }) as ServiceModule);
    pack.describers = exported<Describer>(pick(describeFiles), "describer", (d) => typeof d.describe === "function");
    addServiceModules(pack.services);
    addDescribers(pack.describers);
    loadedAws.add(dir);
  }
  return pack;
}

type ServiceDefinitionLike = ServiceModule["service"];
