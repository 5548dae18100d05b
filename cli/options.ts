import { InvalidArgumentError, Option } from "commander";
import { SEVERITIES } from "../lib/policy/types";

/** What every command definition (./commands/<name>.command.ts) gets from the root. */
export interface CommandContext {
  /** Wraps an action: its resolved exit code becomes the process's. */
  run<A extends unknown[]>(fn: (...args: A) => number | Promise<number>): (...args: A) => Promise<void>;
}

/**
 * A command's action, its module loaded when the command runs: `guardrail --help` or `guardrail validate` never
 * load the AWS SDK, the fleet generator or the audit (loading every command up front cost ~0.6 s of each start).
 */
export function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K) {
  type Args = M[K] extends (...a: infer A) => unknown ? A : never;
  return async (...args: Args): Promise<number> => {
    const fn = (await load())[name] as unknown as (...a: Args) => number | Promise<number>;
    return fn(...args);
  };
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number of at least 1");
  return n;
}

export function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError("must be a number from 0 to 1");
  return n;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export const EXIT_HELP = `
Exit codes:
  0  everything passed (scan: no violation, or --soft-fail)
  1  findings: scan's violations (only those at or above --fail-on when given), or failing policy examples
  2  usage error, invalid policies / exemptions / guardrail.config.json, or a filter that selects no policy
  3  some input could not be read (the report is incomplete), or the scan read nothing at all
  130 interrupted (Ctrl-C; 143 for SIGTERM): no report is left half-written`;

/** `high` or `high+` (that severity and above), comma lists allowed; checked here so a typo is a usage error. */
function severityList(value: string, previous: string[] = []): string[] {
  const parts = value.split(",").map((v) => v.trim());
  for (const v of parts) {
    if (!(SEVERITIES as readonly string[]).includes(v.endsWith("+") ? v.slice(0, -1) : v)) {
      throw new InvalidArgumentError(`"${v}" is not a severity (${SEVERITIES.join(", ")}; "high+" is high and above)`);
    }
  }
  return [...previous, ...parts];
}

// The filters that narrow a pack to some of its policies (lib/pack/select.ts); each is repeatable.
export const policyFilterOption = () =>
  new Option("--policy <glob>", "only policies whose id matches (s3-*; repeatable)").argParser(collect);
export const skipPolicyOption = () =>
  new Option("--skip-policy <glob>", "leave out policies whose id matches (repeatable)").argParser(collect);
export const severityOption = () =>
  new Option("--severity <levels>", 'only these severities: "high,critical", or "high+" for high and above').argParser(
    severityList,
  );
export const frameworkOption = () =>
  new Option("--framework <id>", "only policies mapped to this framework (repeatable; guardrail explain lists ids)").argParser(collect); // prettier-ignore
export const typeOption = () =>
  new Option("--type <glob>", "only policies judging this resource type (AWS::S3::Bucket, AWS::S3::*; repeatable)").argParser(collect); // prettier-ignore

// The options that say which policies a command judges with: the built-in pack, plus or instead of others.
export const policiesOption = () =>
  new Option("--policies <path>", "policy file or folder added to the built-in pack (repeatable)").argParser(collect);
export const packOption = () =>
  new Option(
    "--pack <folder|package>",
    "extension pack: its policies, resource types and actions (repeatable; docs/extending.md)",
  ).argParser(collect);
export const noBuiltinOption = () =>
  new Option("--no-builtin", "leave the built-in policies out (only --policies, --pack)");
