import { readFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import type { Resource } from "../resources/adapter";
import { createMetaAjv } from "../policy/ajv";
import { precompiledValidator } from "../policy/precompiled";
import type { PolicyProblem } from "../policy/load";
import type { JsonSchema } from "../util/json";
import { JsonSourceMap } from "../util/source-map";
import type { AnyEvaluation } from "./evaluate";

/**
 * A baseline: the violations an estate had when Guardrail was adopted (`scan --create-baseline FILE`), accepted so
 * that `scan --baseline FILE` fails only on new ones. Each entry names a policy and a resource by a key that stays
 * the same between scans: the ARN; for a template resource, its file (relative to the baseline's folder, so the
 * baseline works from any working directory) and logical id; else type, account, Region and id. A resource renamed
 * or moved is a new resource, so its violation is new. Matches are EXEMPT with source "baseline", never COMPLIANT.
 */
export const BASELINE_VERSION = 1;

export type BaselineEntry =
  | { policy: string; arn: string }
  | { policy: string; file: string; logicalId: string }
  | { policy: string; resourceType: string; resourceId: string; account: string; region: string };

export interface BaselineFile {
  version: typeof BASELINE_VERSION;
  violations: BaselineEntry[];
}

const text = { type: "string", minLength: 1 };

export const baselineFileSchema: JsonSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "Guardrail baseline",
  description:
    "Violations accepted when Guardrail was adopted (guardrail scan --create-baseline); guardrail scan --baseline reports them as EXEMPT.",
  type: "object",
  additionalProperties: false,
  required: ["version", "violations"],
  properties: {
    $schema: { type: "string" },
    version: { const: BASELINE_VERSION },
    violations: {
      type: "array",
      items: {
        type: "object",
        oneOf: [
          { additionalProperties: false, required: ["policy", "arn"], properties: { policy: text, arn: text } },
          {
            additionalProperties: false,
            required: ["policy", "file", "logicalId"],
            properties: { policy: text, file: text, logicalId: text },
          },
          {
            additionalProperties: false,
            required: ["policy", "resourceType", "resourceId", "account", "region"],
            properties: {
              policy: text,
              resourceType: text,
              resourceId: text,
              account: { type: "string" },
              region: { type: "string" },
            },
          },
        ],
      },
    },
  },
};

function keyOf(entry: BaselineEntry): string {
  if ("arn" in entry) return `${entry.policy}\n${entry.arn}`;
  if ("file" in entry) return `${entry.policy}\n${entry.file}#${entry.logicalId}`;
  return `${entry.policy}\n${entry.resourceType}|${entry.account}|${entry.region}|${entry.resourceId}`;
}

/** A template file's name as a baseline in `dir` records it: relative, with `/`. */
function fileIn(dir: string, file: string): string {
  return relative(dir, resolve(file)).split(sep).join("/");
}

/** The entry a violation of `policy` on this resource has in a baseline kept in folder `dir`. */
export function baselineEntryOf(
  policy: string,
  r: { arn?: string; type: string; id: string; accountId: string; region: string; templateFile?: string },
  dir: string,
): BaselineEntry {
  if (r.arn) return { policy, arn: r.arn };
  if (r.templateFile !== undefined) return { policy, file: fileIn(dir, r.templateFile), logicalId: r.id };
  return { policy, resourceType: r.type, resourceId: r.id, account: r.accountId, region: r.region };
}

/** The baseline entry of a scan's evaluation (a template one carries its file in `source`). */
export function baselineEntryOfEvaluation(e: AnyEvaluation, dir: string): BaselineEntry {
  return baselineEntryOf(
    e.policyId,
    {
      ...(e.arn ? { arn: e.arn } : {}),
      type: e.resourceType,
      id: e.resourceId,
      accountId: e.accountId,
      region: e.region,
      ...(e.arn === undefined && e.source?.line !== undefined ? { templateFile: e.source.file } : {}),
    },
    dir,
  );
}

/** A baseline file's text: entries sorted and without duplicates, so it diffs well in review. */
export function baselineText(entries: readonly BaselineEntry[]): string {
  const byKey = new Map(entries.map((e) => [keyOf(e), e]));
  const violations = [...byKey.keys()].sort().map((k) => byKey.get(k) as BaselineEntry);
  return JSON.stringify({ version: BASELINE_VERSION, violations } satisfies BaselineFile, null, 2) + "\n";
}

export class Baseline {
  private readonly keys = new Map<string, number>();

  /** `dir`: the baseline file's folder, which template file names are relative to. */
  constructor(
    readonly entries: readonly BaselineEntry[],
    private readonly dir: string,
    readonly file = "baseline",
  ) {
    entries.forEach((e, i) => {
      if (!this.keys.has(keyOf(e))) this.keys.set(keyOf(e), i);
    });
  }

  get size(): number {
    return this.entries.length;
  }

  /** The index of the entry accepting a violation of `policyId` on `resource` (from template `templateFile`). */
  match(policyId: string, resource: Resource, templateFile?: string): number | undefined {
    const entry = baselineEntryOf(
      policyId,
      {
        ...(resource.arn ? { arn: resource.arn } : {}),
        type: resource.type,
        id: resource.id,
        accountId: resource.accountId,
        region: resource.region,
        ...(templateFile !== undefined ? { templateFile } : {}),
      },
      this.dir,
    );
    return this.keys.get(keyOf(entry));
  }

  /** Reads a baseline file; what is wrong with it is located like a policy problem (file, line, column, pointer). */
  static load(path: string, displayName = path): { baseline: Baseline; problems: PolicyProblem[] } {
    const dir = dirname(resolve(path));
    const empty = new Baseline([], dir, displayName);
    const content = readFileSync(path, "utf8");
    const { map, errors } = JsonSourceMap.parse(content);
    if (errors.length > 0) {
      return {
        baseline: empty,
        problems: errors.map((e) => ({ file: displayName, ...e.location, pointer: "", message: e.message })),
      };
    }
    const data = JSON.parse(content) as BaselineFile;
    const validate =
      precompiledValidator("meta", baselineFileSchema as object) ??
      createMetaAjv().compile(baselineFileSchema as object);
    if (!validate(data)) {
      // oneOf reports every branch's failure; the first error is the most specific.
      const errs = validate.errors ?? [];
      const first = errs.find((e) => e.keyword !== "oneOf") ?? errs[0];
      return {
        baseline: empty,
        problems: (first ? [first] : []).map((e) => ({
          file: displayName,
          ...map.locate(e.instancePath),
          pointer: e.instancePath,
          message:
            e.instancePath === "/version"
              ? `version must be ${BASELINE_VERSION} (a baseline written by another Guardrail version: recreate it with --create-baseline)`
              : e.instancePath.startsWith("/violations/")
                ? `${e.message ?? e.keyword}: an entry is {policy, arn}, {policy, file, logicalId} or {policy, resourceType, resourceId, account, region}`
                : (e.message ?? e.keyword),
        })),
      };
    }
    return { baseline: new Baseline(data.violations, dir, displayName), problems: [] };
  }
}
