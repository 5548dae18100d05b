import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createMetaAjv } from "../policy/ajv";
import type { ValidateFunction } from "../policy/ajv";
import { REPORT_FORMATS, type ReportFormat } from "../report/types";
import type { Severity } from "../policy/types";
import { fsErrorInWords } from "../util/fs-errors";
import { packageRoot } from "../util/package-root";
import { JsonSourceMap } from "../util/source-map";

/**
 * The project's `guardrail.config.json`, found in the working directory or the nearest folder above it, so that CI
 * does not repeat flags: `packs` (extension pack folders or npm packages) and `policies` (policy files or folders)
 * add to what `--pack` and `--policies` name; `exemptions` is the exemptions file unless `--exemptions` names one;
 * `scan` holds `guardrail scan`'s settings (fail-on level, format, filters, parameters, baseline), each overridden
 * by its option. Paths are relative to the file. The file is checked against CONFIG_SCHEMA_PATH (shipped, and what
 * the file's `$schema` may name for editors). The CLI reads it from its working folder up; the deployment
 * (deploy/packs.js, deploy/policies.js) from the project's root up, with this same reader.
 *
 *   { "packs": ["./platform-pack"], "exemptions": "./exemptions.json", "scan": { "failOn": "high" } }
 */
export const CONFIG_FILE = "guardrail.config.json";

/** The config file's JSON Schema, inside Guardrail's package. */
export const CONFIG_SCHEMA_PATH = join("schemas", "guardrail.config.schema.json");

/** A config file that cannot be used; the message names the file, the line:column and the member. */
export class ProjectConfigError extends Error {}

/** `scan` settings, as the options of the same names take them. */
export interface ScanSettings {
  failOn?: Severity;
  softFail?: boolean;
  failOnUnknown?: boolean;
  format?: ReportFormat;
  /** Absolute. */
  out?: string;
  quiet?: boolean;
  /** Absolute: the baseline file `--baseline` would name. */
  baseline?: string;
  parameters?: Record<string, string>;
  severity?: string[];
  framework?: string[];
  policy?: string[];
  skipPolicy?: string[];
  type?: string[];
}

export interface ProjectConfig {
  /** The file it was read from. */
  file: string;
  packs: string[];
  policies: string[];
  exemptions?: string;
  scan: ScanSettings;
}

export function findProjectConfig(cwd = process.cwd()): ProjectConfig | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, CONFIG_FILE);
    if (existsSync(file)) return readProjectConfig(file);
    if (dirname(dir) === dir) return undefined;
  }
}

let validator: ValidateFunction | undefined;

function configValidator(): ValidateFunction {
  validator ??= createMetaAjv().compile(
    JSON.parse(readFileSync(join(packageRoot(), CONFIG_SCHEMA_PATH), "utf8")) as object,
  );
  return validator;
}

/** Reads and checks one config file; anything unexpected is a usage error naming the file, its place and member. */
export function readProjectConfig(file: string): ProjectConfig {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new ProjectConfigError(`${file}: is a folder, not a config file`);
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof ProjectConfigError) throw e;
    throw new ProjectConfigError(`${file}: cannot read: ${fsErrorInWords(e)}`);
  }
  // Editors on Windows may save a byte order mark; it is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let map: JsonSourceMap;
  let raw: unknown;
  try {
    const parsed = JsonSourceMap.parse(text);
    const syntax = parsed.errors[0];
    if (syntax) throw new ProjectConfigError(`${file}:${syntax.location.line}:${syntax.location.column}  /  ${syntax.message}`); // prettier-ignore
    map = parsed.map;
    raw = JSON.parse(text);
  } catch (e) {
    if (e instanceof ProjectConfigError) throw e;
    // A nesting deep enough to exhaust the parser's stack is not a config file either.
    throw new ProjectConfigError(`${file}:1:1  /  not JSON: ${(e as Error).message}`);
  }
  const at = (pointer: string, message: string, key = false) => {
    const { line, column } = map.locate(pointer, { key });
    return `${file}:${line}:${column}  ${pointer || "/"}  ${message}`;
  };
  const validate = configValidator();
  if (!validate(raw)) {
    // ajv reports a bad property name twice (the name's error, then "property name must be valid"): keep the first.
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== "propertyNames");
    const lines = errors.slice(0, 10).map((e) => {
      const p = e.params as { additionalProperty?: string; allowedValues?: unknown[] };
      const name = (e as { propertyName?: string }).propertyName;
      if (name !== undefined) return at(e.instancePath, `the name "${name}" ${e.message ?? e.keyword}`);
      if (e.keyword === "additionalProperties" && p.additionalProperty !== undefined) {
        const member = `${e.instancePath}/${p.additionalProperty.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        const settings = Object.keys(settingsAt(e.instancePath)).join(", ");
        return at(member, `is not a setting (settings here: ${settings})`, true);
      }
      if (e.keyword === "enum" && p.allowedValues) {
        return at(e.instancePath, `must be one of: ${p.allowedValues.join(", ")}`);
      }
      if (e.keyword === "pattern" && e.instancePath.startsWith("/scan/severity/")) {
        return at(e.instancePath, `is not a severity (critical, high, medium, low, info; "high+" is high and above)`);
      }
      return at(e.instancePath, e.message ?? e.keyword);
    });
    throw new ProjectConfigError([...new Set(lines)].join("\n"));
  }
  const config = raw as {
    packs?: string[];
    policies?: string[];
    exemptions?: string;
    scan?: Omit<ScanSettings, "parameters"> & { parameters?: Record<string, string | number | boolean> };
  };
  const base = dirname(file);
  // A folder or file path relative to the config; an npm package name stays as it is.
  const paths = (v: string[] | undefined) =>
    (v ?? []).map((p) => (/^\.{0,2}\//.test(p) || existsSync(join(base, p)) ? resolve(base, p) : p));
  const scan = { ...(config.scan ?? {}) } as ScanSettings;
  if (config.scan?.format !== undefined && !(REPORT_FORMATS as readonly string[]).includes(config.scan.format)) {
    throw new ProjectConfigError(at("/scan/format", `must be one of: ${REPORT_FORMATS.join(", ")}`));
  }
  if (config.scan?.parameters) {
    scan.parameters = Object.fromEntries(Object.entries(config.scan.parameters).map(([k, v]) => [k, String(v)]));
  }
  if (scan.out !== undefined) scan.out = resolve(base, scan.out);
  if (scan.baseline !== undefined) scan.baseline = resolve(base, scan.baseline);
  return {
    file,
    packs: paths(config.packs),
    policies: paths(config.policies),
    ...(config.exemptions !== undefined ? { exemptions: resolve(base, config.exemptions) } : {}),
    scan,
  };
}

/** The settings the schema allows at a member (for "is not a setting" messages). */
function settingsAt(pointer: string): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(join(packageRoot(), CONFIG_SCHEMA_PATH), "utf8")) as {
    properties: Record<string, { properties?: Record<string, unknown> }>;
  };
  if (pointer === "") return schema.properties;
  const nested = schema.properties[pointer.slice(1)]?.properties;
  return nested ?? {};
}
