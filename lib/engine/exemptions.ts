import { readFileSync } from "node:fs";
import type { Resource } from "../resources/adapter";
import { createMetaAjv } from "../policy/ajv";
import { precompiledValidator } from "../policy/precompiled";
import { JsonSourceMap } from "../util/source-map";
import type { PolicyProblem } from "../policy/load";
import type { JsonSchema } from "../util/json";
import { policyRegExp, type LinearRegExp } from "../util/linear-regexp";
import type { TemplateSuppression } from "../cloudformation/suppressions";
import { truncateAnnotation } from "./annotate";
import type { Baseline } from "./baseline";

/**
 * Two ways to exempt a resource from a policy, both honoured by detection and remediation:
 *  - the resource tag `guardrail:exempt`, whose value lists policy ids separated by spaces or `+`, each optionally
 *    `@YYYY-MM-DD` for an expiry (AWS tag values allow letters, digits, spaces and `_ . : / = + - @`, not commas);
 *  - an exemptions file whose entries carry an owner, a justification and an expiry date.
 * And two that only scans see: a template's inline suppression (`Metadata.guardrail.suppress`,
 * lib/cloudformation/suppressions.ts) and a baseline file's entries (./baseline.ts).
 * An expired exemption stops applying and is reported with the result, never silently dropped.
 */
export const EXEMPT_TAG = "guardrail:exempt";

export interface ExemptionEntry {
  policy: string;
  /**
   * Glob over the resource ARN, id or name: `*` matches a run of characters within one ARN field (between `:`) and
   * one path segment (between `/`), `**` any run, `?` one character other than `:` and `/`; `*` alone matches
   * every resource.
   */
  resource: string;
  accounts?: string[];
  regions?: string[];
  owner: string;
  justification: string;
  /** Last day (UTC) on which the exemption applies, YYYY-MM-DD. */
  expires: string;
  ticket?: string;
}

export interface ExemptionMatch {
  source: "tag" | "file" | "template" | "baseline";
  active: boolean;
  /** Why an exemption does not apply although it names the policy (a malformed tag date, a glob's old meaning). */
  invalid?: string;
  expires?: string;
  owner?: string;
  justification?: string;
  /** A baseline match: the entry's index in the baseline file (to report the entries no longer found). */
  baselineEntry?: number;
}

export const exemptionsFileSchema: JsonSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  additionalProperties: false,
  required: ["exemptions"],
  properties: {
    $schema: { type: "string" },
    exemptions: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["policy", "resource", "owner", "justification", "expires"],
        properties: {
          policy: { type: "string", minLength: 1 },
          resource: { type: "string", minLength: 1 },
          accounts: { type: "array", items: { type: "string", pattern: "^\\d{12}$" } },
          regions: { type: "array", items: { type: "string" } },
          owner: { type: "string", minLength: 3 },
          justification: { type: "string", minLength: 10 },
          expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
          ticket: { type: "string" },
        },
      },
    },
  },
};

/**
 * An exemption's resource glob as a regular expression. ARN-aware: an ARN's fields are separated by `:` and its
 * resource part often by `/` (AWS General Reference, "Amazon Resource Names (ARNs)"), so `*` stays within one of
 * them and `**` crosses them. Linear-time through policyRegExp (RE2 when V8 could backtrack): `*a*a*a…` is polynomial
 * in a backtracking engine against a long resource id, and anyone can name a resource. Glob libraries compile to
 * backtracking regular expressions with lookarounds, which RE2 refuses, and know `/` as the only separator.
 */
export function exemptionGlob(glob: string): LinearRegExp {
  if (glob === "*") return policyRegExp("^[\\u{0}-\\u{10FFFF}]*$");
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") {
      let end = i;
      while (glob[end + 1] === "*") end++;
      source += end > i ? "[\\u{0}-\\u{10FFFF}]*" : "[^:/]*";
      i = end;
    } else if (c === "?") source += "[^:/]";
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return policyRegExp(`^${source}$`);
}

/** What `*` meant before it stopped at `:` and `/`, to tell the owners of entries that relied on it. */
function crossingGlob(glob: string): LinearRegExp | undefined {
  if (!/(^|[^*])\*($|[^*])/.test(glob) || glob === "*") return undefined;
  return exemptionGlob(glob.replace(/\*+/g, "**"));
}

/** YYYY-MM-DD naming a day that exists. */
export function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

/** An expiry date is inclusive: the exemption applies through the end of that UTC day. */
function isActive(expires: string | undefined, now: Date): boolean {
  if (!expires) return true;
  const end = Date.parse(`${expires}T23:59:59.999Z`);
  return !Number.isNaN(end) && now.getTime() <= end;
}

export class Exemptions {
  private readonly entries: { entry: ExemptionEntry; pattern: LinearRegExp; crossing: LinearRegExp | undefined }[];
  /** The file the entries were read from, to locate problems. */
  private source: { file: string; map: JsonSourceMap } | undefined;
  /** `--baseline`: the violations accepted when Guardrail was adopted. */
  baseline: Baseline | undefined;

  constructor(
    entries: ExemptionEntry[] = [],
    private readonly now: Date = new Date(),
  ) {
    this.entries = entries.map((entry) => ({
      entry,
      pattern: exemptionGlob(entry.resource),
      crossing: crossingGlob(entry.resource),
    }));
  }

  /** Loads an exemptions file; problems are located like policy problems. */
  static load(
    path: string,
    displayName = path,
    now = new Date(),
  ): { exemptions: Exemptions; problems: PolicyProblem[] } {
    const text = readFileSync(path, "utf8");
    const { map, errors } = JsonSourceMap.parse(text);
    if (errors.length > 0) {
      return {
        exemptions: new Exemptions([], now),
        problems: errors.map((e) => ({ file: displayName, ...e.location, pointer: "", message: e.message })),
      };
    }
    const data = JSON.parse(text) as { exemptions: ExemptionEntry[] };
    const validate =
      precompiledValidator("meta", exemptionsFileSchema as object) ??
      createMetaAjv().compile(exemptionsFileSchema as object);
    if (!validate(data)) {
      return {
        exemptions: new Exemptions([], now),
        problems: (validate.errors ?? []).map((e) => ({
          file: displayName,
          ...map.locate(e.instancePath),
          pointer: e.instancePath,
          message: e.message ?? e.keyword,
        })),
      };
    }
    // The pattern admits 2027-02-30; a date that does not round-trip is a typo, not "expired".
    const problems: PolicyProblem[] = [];
    data.exemptions.forEach((e, i) => {
      if (!isRealDate(e.expires)) {
        const pointer = `/exemptions/${i}/expires`;
        problems.push({ file: displayName, ...map.locate(pointer), pointer, message: `"${e.expires}" is not a date` });
      }
    });
    const exemptions = new Exemptions(data.exemptions, now);
    exemptions.source = { file: displayName, map };
    return { exemptions, problems };
  }

  /** Entries naming a policy the pack does not have: a typo that would otherwise exempt nothing, silently. */
  unknownPolicies(known: ReadonlySet<string>): PolicyProblem[] {
    const out: PolicyProblem[] = [];
    this.entries.forEach(({ entry }, i) => {
      if (known.has(entry.policy)) return;
      const pointer = `/exemptions/${i}/policy`;
      const at = this.source ? this.source.map.locate(pointer) : { line: 1, column: 1 };
      out.push({
        file: this.source?.file ?? "exemptions",
        ...at,
        pointer,
        message: `no policy "${entry.policy}" in the pack`,
      });
    });
    return out;
  }

  /**
   * The exemption of `resource` from `policyId`, active or expired; an active one wins over an expired one. In
   * order: the template's suppression, the tag, the exemptions file, the baseline.
   */
  match(policyId: string, resource: Resource): ExemptionMatch | undefined {
    let expired: ExemptionMatch | undefined;
    const template = TEMPLATE_RESOURCES.get(resource);
    for (const s of template?.suppressions ?? []) {
      if (s.policy !== policyId) continue;
      const m: ExemptionMatch = {
        source: "template",
        active: isActive(s.expires, this.now),
        ...(s.expires ? { expires: s.expires } : {}),
        justification: s.justification,
      };
      if (m.active) return m;
      expired = m;
    }
    const tag = resource.tags[EXEMPT_TAG];
    if (tag) {
      for (const token of tag.split(/[\s+]+/)) {
        const [id, expires] = token.split("@");
        if (id !== policyId) continue;
        const valid = expires === undefined || isRealDate(expires);
        const m: ExemptionMatch = {
          source: "tag",
          active: valid && isActive(expires, this.now),
          ...(expires ? { expires } : {}),
          ...(valid ? {} : { invalid: `"${expires}" is not a date (YYYY-MM-DD)` }),
        };
        if (m.active) return m;
        expired = m;
      }
    }
    for (const { entry, pattern, crossing } of this.entries) {
      if (entry.policy !== policyId) continue;
      if (entry.accounts && !entry.accounts.includes(resource.accountId)) continue;
      if (entry.regions && !entry.regions.includes(resource.region)) continue;
      const ids = [resource.arn, resource.id, resource.name];
      if (!ids.some((v) => v !== undefined && pattern.test(v))) {
        // An entry written when `*` crossed `:` and `/`: named in the violation, not silently dropped.
        if (!expired && crossing && ids.some((v) => v !== undefined && crossing.test(v))) {
          expired = {
            source: "file",
            active: false,
            invalid: `resource "${entry.resource}": * stops at ":" and "/"; write ** to cross them`,
            owner: entry.owner,
          };
        }
        continue;
      }
      const m: ExemptionMatch = {
        source: "file",
        active: isActive(entry.expires, this.now),
        expires: entry.expires,
        owner: entry.owner,
        justification: entry.justification,
      };
      if (m.active) return m;
      expired = m;
    }
    const entry = this.baseline?.match(policyId, resource, template?.file);
    if (entry !== undefined) return { source: "baseline", active: true, baselineEntry: entry };
    return expired;
  }
}

/** Template resources' file and inline suppressions, by the Resource object the engine is given. */
const TEMPLATE_RESOURCES = new WeakMap<Resource, { file: string; suppressions: readonly TemplateSuppression[] }>();

/** Records that `resource` was read from template `file` with these suppressions (before it is judged). */
export function markTemplateResource(
  resource: Resource,
  file: string,
  suppressions: readonly TemplateSuppression[] = [],
): void {
  TEMPLATE_RESOURCES.set(resource, { file, suppressions });
}

/** The template file `resource` was read from, if it was. */
export function templateFileOf(resource: Resource): string | undefined {
  return TEMPLATE_RESOURCES.get(resource)?.file;
}

/** An EXEMPT verdict's annotation: which exemption, and what the violation is. */
export function exemptAnnotation(m: ExemptionMatch, annotation: string): string {
  const until = m.expires ? ` until ${m.expires}` : "";
  if (m.source === "template") {
    return truncateAnnotation(`exempt (suppressed in the template${until}: ${m.justification ?? ""}): ${annotation}`);
  }
  if (m.source === "baseline") return truncateAnnotation(`exempt (in the baseline): ${annotation}`);
  const by = m.owner ? ` by ${m.owner}` : "";
  return truncateAnnotation(`exempt (${m.source}${by}${until}): ${annotation}`);
}

/** What a violation's annotation says of an exemption that names it but does not apply. */
export function exemptionNote(m: ExemptionMatch | undefined): string {
  if (!m) return "";
  if (m.invalid) return ` [exemption ${m.source === "tag" ? "tag" : "entry"} ignored: ${m.invalid}]`;
  return ` [${m.source === "template" ? "suppression" : "exemption"} expired ${m.expires ?? ""}]`;
}
