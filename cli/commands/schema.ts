import { distance } from "fastest-levenshtein";
import { cloudTrailRecordSchema } from "../../lib/cloudtrail/record-schema";
import type { ResourceAdapter } from "../../lib/resources/adapter";
import { resourceAdapters } from "../../lib/resources/registry";
import { isObject, type JsonSchema } from "../../lib/util/json";
import { EXIT } from "../exit";
import { policyPaths, UsageError } from "../pack-options";

/** The word that names the CloudTrail record rather than a resource type. */
export const CLOUDTRAIL_SUBJECT = "cloudtrail";

/** One property of a document: its path as a policy names it, what it holds, whether it is always there. */
export interface OutlineRow {
  path: string;
  type: string;
  always: boolean;
  description?: string;
}

/** Deeper than this the outline stops: no adapter's document nests so far, and a pack's schema must not loop it. */
const MAX_DEPTH = 16;

/** The sub-schemas a schema combines (`anyOf` of a parsed policy or its text, `allOf`). */
function branches(s: Record<string, unknown>): Record<string, unknown>[] {
  return ["anyOf", "oneOf", "allOf"].flatMap((k) => (Array.isArray(s[k]) ? (s[k] as unknown[]).filter(isObject) : []));
}

/** What a value of this schema is, in a few words: `string`, `"Allow" | "Deny"`, `array of string`, `map of string`. */
export function typeWords(s: unknown, depth = 0): string {
  if (!isObject(s) || depth > MAX_DEPTH) return "any";
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const alternatives = branches(s);
  if (alternatives.length > 0 && s.type === undefined) {
    return [...new Set(alternatives.map((b) => typeWords(b, depth + 1)))].join(" or ");
  }
  const types = Array.isArray(s.type) ? (s.type as unknown[]) : s.type === undefined ? [] : [s.type];
  if (types.length === 0) return isObject(s.properties) ? "object" : "any";
  return types
    .map((t) => {
      if (t === "array") return isObject(s.items) ? `array of ${typeWords(s.items, depth + 1)}` : "array";
      if (t === "object" && !isObject(s.properties) && isObject(s.additionalProperties)) {
        return `map of ${typeWords(s.additionalProperties, depth + 1)}`;
      }
      return String(t);
    })
    .join(" or ");
}

/**
 * Every property of a document schema, depth first in the schema's order: `Policy`, `Policy.Statement`,
 * `Policy.Statement[].Effect`; a map's values as `name.*`. Properties of combined schemas (a policy parsed, or its
 * text) are listed under the same path.
 */
export function outline(schema: JsonSchema): OutlineRow[] {
  const rows: OutlineRow[] = [];
  const seen = new Set<string>();
  const walk = (s: unknown, prefix: string, depth: number): void => {
    if (!isObject(s) || depth > MAX_DEPTH) return;
    const own = [s, ...branches(s)];
    for (const part of own) {
      const props = isObject(part.properties) ? part.properties : {};
      const required = new Set(Array.isArray(part.required) ? (part.required as unknown[]) : []);
      for (const [name, sub] of Object.entries(props)) {
        const path = prefix === "" ? name : `${prefix}.${name}`;
        if (seen.has(path)) continue;
        seen.add(path);
        const description = isObject(sub) && typeof sub.description === "string" ? sub.description : undefined;
        rows.push({ path, type: typeWords(sub), always: required.has(name), ...(description ? { description } : {}) });
        below(sub, path, depth + 1);
      }
    }
    if (!isObject(s.properties) && isObject(s.additionalProperties))
      walk(s.additionalProperties, `${prefix}.*`, depth + 1);
  };
  // What a property holds further down: an object's properties, an array's items, a map's values.
  const below = (s: unknown, path: string, depth: number): void => {
    if (!isObject(s)) return;
    for (const part of [s, ...branches(s)]) {
      if (isObject(part.items)) walk(part.items, `${path}[]`, depth);
      else walk(part, path, depth);
    }
  };
  walk(schema, "", 0);
  return rows;
}

/** The outline as aligned lines: path, type, "always" when every document has it, and the description. */
export function outlineText(rows: readonly OutlineRow[]): string {
  const width = Math.min(48, Math.max(0, ...rows.map((r) => r.path.length)));
  const typeWidth = Math.min(32, Math.max(0, ...rows.map((r) => r.type.length)));
  return rows
    .map((r) => {
      const tail = [r.always ? "always present" : "", r.description ?? ""].filter((t) => t !== "").join("; ");
      const line = `  ${r.path.padEnd(width)}  ${r.type.padEnd(typeWidth)}  ${tail}`;
      return line.trimEnd();
    })
    .join("\n");
}

/** The type a name means: exact, any case, a service with one type; otherwise undefined. */
function resolve(
  name: string,
  adapters: Map<string, ResourceAdapter>,
): ResourceAdapter | ResourceAdapter[] | undefined {
  const exact = adapters.get(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  const list = [...adapters.values()];
  const anyCase = list.find((a) => a.type.toLowerCase() === lower);
  if (anyCase) return anyCase;
  const ofService = list.filter((a) => a.service === lower);
  if (ofService.length === 1) return ofService[0];
  if (ofService.length > 1) return ofService;
  return undefined;
}

/** The three names nearest to a mistyped one (case ignored). */
export function nearestTypes(name: string, types: readonly string[]): string[] {
  const lower = name.toLowerCase();
  return [...types]
    .map((t) => ({ t, d: distance(lower, t.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.t.localeCompare(b.t))
    .slice(0, 3)
    .map((x) => x.t);
}

/** The resource type a name means, or a usage error naming the nearest ones (also for `guardrail new policy`). */
export function resourceTypeNamed(name: string): ResourceAdapter {
  const adapters = resourceAdapters();
  const found = resolve(name, adapters);
  if (found && !Array.isArray(found)) return found;
  if (Array.isArray(found)) {
    throw new UsageError(`"${name}" has ${found.length} types: ${found.map((a) => a.type).join(", ")}; name one`);
  }
  const near = nearestTypes(name, [...adapters.keys()]);
  throw new UsageError(
    `unknown resource type "${name}" (nearest: ${near.join(", ")}); \`guardrail schema\` lists every type`,
  );
}

function typeList(adapters: Map<string, ResourceAdapter>): string {
  const types = [...adapters.values()].sort((a, b) => a.type.localeCompare(b.type));
  const width = Math.max(CLOUDTRAIL_SUBJECT.length, ...types.map((a) => a.type.length));
  const lines = types.map((a) => `  ${a.type.padEnd(width)}  ${a.service}`);
  lines.push(`  ${CLOUDTRAIL_SUBJECT.padEnd(width)}  the CloudTrail record ("subject": {"cloudtrail": true})`);
  return `${types.length} resource types (type, service: the folder under policies/ its policies go in):\n${lines.join("\n")}\n`;
}

export function schemaCommand(name: string | undefined, opts: { json?: boolean; pack?: string[] }): number {
  // Registers the extension packs' types (from --pack and the project's config file).
  policyPaths({ ...(opts.pack ? { pack: opts.pack } : {}) });
  const adapters = resourceAdapters();
  if (name === undefined) {
    process.stdout.write(typeList(adapters));
    return EXIT.ok;
  }
  let title: string;
  let schema: JsonSchema;
  let heading: string;
  if (name.toLowerCase() === CLOUDTRAIL_SUBJECT) {
    title = "CloudTrail record";
    schema = cloudTrailRecordSchema;
    heading =
      'The CloudTrail record policies with "subject": {"cloudtrail": true} see, as CloudTrail writes it ' +
      "(the AWS::CloudTrail::Trail resource: guardrail schema AWS::CloudTrail::Trail):";
  } else {
    const found = resolve(name, adapters);
    if (Array.isArray(found)) {
      process.stdout.write(`${name}: ${found.length} types; name one:\n`);
      for (const a of found) process.stdout.write(`  ${a.type}\n`);
      return EXIT.ok;
    }
    const adapter = found ?? resourceTypeNamed(name);
    title = adapter.type;
    schema = adapter.documentSchema;
    heading = `${adapter.type} (policies/${adapter.service}/): the document its policies see.`;
  }
  if (opts.json) {
    const body = isObject(schema) ? schema : { not: {} };
    const out = { $schema: "https://json-schema.org/draft/2020-12/schema", title: `${title} document`, ...body };
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
    return EXIT.ok;
  }
  process.stdout.write(`${heading}\n\n${outlineText(outline(schema))}\n`);
  return EXIT.ok;
}
