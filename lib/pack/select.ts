import picomatch from "picomatch";
import { frameworks } from "../policy/frameworks";
import type { CompiledPolicy } from "../policy/load";
import { resourceTypesOf, SEVERITIES, type Severity } from "../policy/types";

/**
 * Which policies of a pack a command judges with: plain data, so a scan's worker threads select exactly what the
 * main thread selected. Every list narrows (a policy is kept when it passes each list given); within a list any
 * entry may match.
 */
export interface PolicySelection {
  /** Policy id globs (`s3-*`): only these. */
  policy?: string[];
  /** Policy id globs left out. */
  skipPolicy?: string[];
  /** Severities (`high`) or a severity and those above it (`high+`). */
  severity?: string[];
  /** Framework ids: policies that map a control of one of them. */
  framework?: string[];
  /** Resource type globs (`AWS::S3::*`): policies that judge one of these types. */
  type?: string[];
}

/** A selection that cannot be made; the message names the option and the value. */
export class SelectionError extends Error {}

/** The option each member of a selection comes from, for messages. */
const FLAG: Record<keyof PolicySelection, string> = {
  policy: "--policy",
  skipPolicy: "--skip-policy",
  severity: "--severity",
  framework: "--framework",
  type: "--type",
};

/** `high` -> [high]; `high+` -> [critical, high]. Anything else is undefined. */
export function parseSeverity(text: string): Severity[] | undefined {
  const plus = text.endsWith("+");
  const name = (plus ? text.slice(0, -1) : text).trim().toLowerCase();
  const i = SEVERITIES.indexOf(name as Severity);
  if (i < 0) return undefined;
  return plus ? SEVERITIES.slice(0, i + 1) : [SEVERITIES[i] as Severity];
}

/** The severities a list of `--severity` values names; throws SelectionError naming the first it cannot read. */
export function severitiesOf(values: readonly string[]): Set<Severity> {
  const out = new Set<Severity>();
  for (const v of values.flatMap((s) => s.split(","))) {
    const named = parseSeverity(v);
    if (!named) {
      throw new SelectionError(
        `--severity "${v}" is not a severity (${SEVERITIES.join(", ")}; "high+" means high and above)`,
      );
    }
    for (const s of named) out.add(s);
  }
  return out;
}

/** A glob over policy ids. Ids have no `/`, so picomatch's `*` spans the whole id. */
function idMatcher(flag: string, glob: string): (id: string) => boolean {
  return compile(flag, glob, (g) => picomatch(g));
}

/**
 * A glob over resource types whose `*` stays within one `::`-separated part: `AWS::S3::*` is every S3 type,
 * `AWS::*::Bucket` is buckets of any service, `AWS::**` is every type (types are compared with `::` read as `/`).
 */
function typeMatcher(glob: string): (type: string) => boolean {
  const m = compile("--type", glob, (g) => picomatch(g.split("::").join("/")));
  return (type) => m(type.split("::").join("/"));
}

function compile(flag: string, glob: string, make: (g: string) => (s: string) => boolean): (s: string) => boolean {
  if (glob.trim() === "") throw new SelectionError(`${flag} "" is empty: give a value or leave the option out`);
  try {
    const m = make(glob);
    // One argument only: picomatch's second argument asks for a result object, which `Array.some` would pass.
    return (s: string) => m(s);
  } catch (e) {
    throw new SelectionError(`${flag} "${glob.slice(0, 80)}" is not a glob: ${(e as Error).message}`);
  }
}

/** The frameworks a pack knows: those with a data file (lib/policy/frameworks.ts) and any its policies map to. */
export function knownFrameworks(policies: readonly CompiledPolicy[]): string[] {
  const ids = new Set(frameworks().keys());
  for (const { policy } of policies) for (const k of Object.keys(policy.frameworks ?? {})) ids.add(k);
  return [...ids].sort();
}

export function isEmptySelection(s: PolicySelection | undefined): boolean {
  return !s || Object.values(s).every((v) => !Array.isArray(v) || v.length === 0);
}

/** `--severity high+ --type AWS::S3::*`, as the user gave it, for messages. */
export function describeSelection(s: PolicySelection): string {
  return (Object.keys(FLAG) as (keyof PolicySelection)[])
    .flatMap((k) => (s[k] ?? []).map((v) => `${FLAG[k]} ${v}`))
    .join(" ");
}

/**
 * The policies a selection keeps, in pack order. A value that matches no policy of the pack (a typo), or a
 * selection that keeps none, is a SelectionError naming it: a filter that judges nothing would pass CI green.
 */
export function selectPolicies(policies: readonly CompiledPolicy[], s: PolicySelection | undefined): CompiledPolicy[] {
  if (!s || isEmptySelection(s)) return [...policies];
  const tests: ((p: CompiledPolicy) => boolean)[] = [];
  const ids = policies.map((p) => p.policy.id);

  const idList = (flag: string, globs: readonly string[]): ((id: string) => boolean) => {
    const matchers = globs.map((g) => {
      const m = idMatcher(flag, g);
      if (!ids.some((id) => m(id))) {
        throw new SelectionError(
          picomatch.scan(g).isGlob
            ? `${flag} "${g}" matches no policy id (see \`guardrail explain\`)`
            : `unknown policy id: ${g} (${flag}; see \`guardrail explain\`)`,
        );
      }
      return m;
    });
    return (id) => matchers.some((m) => m(id));
  };

  if (s.policy?.length) {
    const m = idList("--policy", s.policy);
    tests.push((p) => m(p.policy.id));
  }
  if (s.skipPolicy?.length) {
    const m = idList("--skip-policy", s.skipPolicy);
    tests.push((p) => !m(p.policy.id));
  }
  if (s.severity?.length) {
    const wanted = severitiesOf(s.severity);
    tests.push((p) => wanted.has(p.policy.severity));
  }
  if (s.framework?.length) {
    const known = knownFrameworks(policies);
    for (const f of s.framework) {
      if (!known.includes(f)) {
        throw new SelectionError(`--framework "${f}" is not a framework id; known: ${known.join(", ")}`);
      }
    }
    const wanted = new Set(s.framework);
    tests.push((p) => Object.keys(p.policy.frameworks ?? {}).some((k) => wanted.has(k)));
  }
  if (s.type?.length) {
    const types = [...new Set(policies.flatMap((p) => resourceTypesOf(p.policy)))];
    const matchers = s.type.map((g) => {
      const m = typeMatcher(g);
      if (!types.some((t) => m(t))) {
        // `*` stays within one part of the type: `AWS::*` is no type, `AWS::*::*` or `AWS::**` is every type.
        const hint = g.split("::").length < 3 ? ` (a type is AWS::Service::Resource; * stays within one part)` : "";
        throw new SelectionError(`--type "${g}" matches no resource type a policy judges${hint}`);
      }
      return m;
    });
    tests.push((p) => resourceTypesOf(p.policy).some((t) => matchers.some((m) => m(t))));
  }
  const kept = policies.filter((p) => tests.every((t) => t(p)));
  if (kept.length === 0) {
    throw new SelectionError(`no policy is left after ${describeSelection(s)} (of ${policies.length} in the pack)`);
  }
  return kept;
}
