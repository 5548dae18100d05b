/**
 * What an extension pack's modules import as `"guardrail"` (docs/extending.md): the types of the modules they
 * declare and the helpers the built-in ones use. The loader (./extensions.ts) and the bundler map `"guardrail"` to
 * this module of the running Guardrail, so a pack's clients share the one client factory and its local seam.
 */
export type { ClientSettings, OperationTable, ServiceDefinition, ServiceModule } from "../aws/service";
export type { Described, Resource, ResourceAdapter, ResourceIdentity, ResourceRef } from "../resources/adapter";
export type { ConfigItem } from "../resources/config-item";
export type { Describer } from "../resources/describe";
export type { CloudFormationSource } from "../cloudformation/document";
export type { AwsCall, RemediationAction, RemediationParams } from "../remediation/types";
export type { JsonObject, JsonSchema } from "../util/json";

export { clientFor } from "../aws/clients";
export { errorName, unlessAbsent } from "../aws/errors";
export {
  baseEventName,
  eventSourceOf,
  partitionOf,
  recordRegion,
  refFromRecord,
  requestValue,
  responseValue,
} from "../cloudtrail/record";
export {
  attachedPolicy,
  deployTimeValue,
  templateJson,
  templatePolicyDocument,
  templateTags,
} from "../cloudformation/document";
export { UnknownValue } from "../cloudformation/unknown";
export { policyTextMember, toBool, toPolicyDocument, typedAttributes } from "../resources/coerce";
export { tagMap } from "../resources/config-item";
export { camelKeys, describedItem, idParts, plainJson, plainObject } from "../resources/described";
export { policyDocumentSchema, tagsSchema } from "../resources/schema-parts";
export { callsTo, PlanError } from "../remediation/types";
export { mergeSecureTransportDeny, PolicyMergeError } from "../remediation/resource-policy";
export { isObject } from "../util/json";
