/** Exit codes, stable for CI; documented in `guardrail --help`. */
export const EXIT = { ok: 0, findings: 1, usage: 2, incomplete: 3 } as const;

/** A command-line mistake: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/** Exit codes of `guardrail remediation plan|approve|undo` (cli/commands/remediation.ts), for their --help. */
export const REMEDIATION_EXIT_HELP = `
Exit codes:
  0  done: calls printed (or nothing to do), approval released, restore applied
  1  the remediation could not be done: the plan failed, an AWS call failed, the approval is no longer live,
     or the live resource no longer matches the record (undo refused; --force overrides)
  2  usage error: unknown policy id, not a record id, a policy without a remediation, missing settings
  3  an input could not be read: the item or record file, the record in S3, the live describe`;
