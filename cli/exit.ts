/** Exit codes, stable for CI; documented in `guardrail --help`. */
export const EXIT = { ok: 0, findings: 1, usage: 2, incomplete: 3 } as const;
