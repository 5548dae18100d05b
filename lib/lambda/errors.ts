/** Input a handler cannot use; `field` is where (`invokingEvent.messageType`, `body.keys.3`). */
export class HandlerInputError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = "HandlerInputError";
  }
}

/** The rule's parameters name a policy the pack does not have. */
export class UnknownPolicyError extends HandlerInputError {
  constructor(readonly policyId: string) {
    super("ruleParameters.policyId", `unknown policy id "${policyId}" (not in the bundled policy pack)`);
    this.name = "UnknownPolicyError";
  }
}
