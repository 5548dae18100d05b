/**
 * GUARDRAIL_SECURITY_HUB=true: the deployment's `securityHub` option (deploy/params.js), off unless set. Kept apart
 * from ./securityhub.ts, which loads the Security Hub client, so that a handler can ask without loading it.
 */
export function securityHubEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GUARDRAIL_SECURITY_HUB === "true";
}
