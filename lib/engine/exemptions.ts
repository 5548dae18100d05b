import { readFileSync } from "node:fs";
import type { Resource } from "../resources/adapter";
import { createMetaAjv } from "../policy/ajv";
import { precompiledValidator } from "../policy/precompiled";
import { JsonSourceMap } from "../util/source-map";
import type { PolicyProblem } from "../policy/load";
import type { JsonSchema } from "../util/json";
import { policyRegExp, type LinearRegExp } from "../util/linear-regexp";

/**
 * Two ways to exempt a resource from a policy, both honoured by detection and remediation:
 *  - the resource tag `guardrail:exempt`, whose value lists policy ids separated by spaces or `+`, each optionally
 *    `@YYYY-MM-DD` for an expiry (AWS tag values allow letters, digits, spaces and `_ . : / = + - @`, not commas);
 *  - an exemptions file whose entries carry an owner, a justification and an expiry date.
 * An expired exemption stops applying and is reported with the result, never silently dropped.
 */
export const EXEMPT_TAG = "guardrail:exempt";

export interface ExemptionEntry {
  policy: string;
  /** Glob over the resource ARN, id or name; `*` matches any run of characters (ARNs contain `/` and `:`). */
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
  source: "tag" | "file";
  active: boolean;
  /** Why a tag exemption does not apply although it names the policy (a malformed date). */
  invalid?: string;
  expires?: string;
  owner?: string;
  justification?: string;
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

/** Linear-time: `*a*a*a…` is polynomial in V8 against a long resource id, and anyone can name a resource. */
function globToRegExp(glob: string): LinearRegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\?]/g, "\\$&").replace(/\*/g, "[\\u{0}-\\u{10FFFF}]*");
  return policyRegExp(`^${escaped}$`);
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
  private readonly entries: { entry: ExemptionEntry; pattern: LinearRegExp }[];
  /** The file the entries were read from, to locate problems. */
  private source: { file: string; map: JsonSourceMap } | undefined;

  constructor(
    entries: ExemptionEntry[] = [],
    private readonly now: Date = new Date(),
  ) {
    this.entries = entries.map((entry) => ({ entry, pattern: globToRegExp(entry.resource) }));
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

  /** The exemption of `resource` from `policyId`, active or expired; an active one wins over an expired one. */
  match(policyId: string, resource: Resource): ExemptionMatch | undefined {
    let expired: ExemptionMatch | undefined;
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
    for (const { entry, pattern } of this.entries) {
      if (entry.policy !== policyId) continue;
      if (entry.accounts && !entry.accounts.includes(resource.accountId)) continue;
      if (entry.regions && !entry.regions.includes(resource.region)) continue;
      const ids = [resource.arn, resource.id, resource.name];
      if (!ids.some((v) => v !== undefined && pattern.test(v))) continue;
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
    return expired;
  }
}
