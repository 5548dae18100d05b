/** Input the Config rule handlers cannot use; `field` is where (`invokingEvent.messageType`, `body.keys.3`). */
export class RuleInputError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = "RuleInputError";
  }
}

/** The rule's parameters name a policy the pack does not have. */
export class UnknownPolicyError extends RuleInputError {
  constructor(readonly policyId: string) {
    super("ruleParameters.policyId", `unknown policy id "${policyId}" (not in the bundled policy pack)`);
    this.name = "UnknownPolicyError";
  }
}
