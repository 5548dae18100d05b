/**
 * What the remediation worker takes from modules other engineers own, in one place: the live describe (a
 * ResourceRef in, the same Resource document policies judge out, `undefined` when the resource no longer exists)
 * and the remediation request the detection side publishes. The worker imports these names from here only, so
 * tests replace them with one `jest.mock` of this module.
 */
export { describeResource } from "../../resources/describe";
export type { ResourceRef } from "../../resources/adapter";
export type { RemediationRequest } from "../../detect/request";
