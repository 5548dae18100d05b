import type { Resource } from "../resources/adapter";
import { isObject, type JsonObject } from "../util/json";
import { assertParams, jsonEqual } from "./document";
import { mergeSecureTransportDeny, policyText } from "./resource-policy";
import { PlanError, type AwsCall, type RemediationAction, type RemediationParams } from "./types";

/**
 * The TLS-only actions for resource policies (SQS queue, SNS topic, S3 bucket) differ only in where the policy
 * lives and how it is written back; the merge itself is resource-policy.ts.
 */
export interface TlsOnlySpec {
  id: string;
  resourceType: string;
  /** The document field holding the parsed policy. */
  field: string;
  description: string;
  /**
   * true: a document without the field means the resource has no policy (SQS, S3), so the plan creates one.
   * false: the field is absent only when the source did not report it (SNS topics always have a policy), and
   * writing a new policy would replace one nobody has seen: the plan refuses.
   */
  absentMeansNone: boolean;
  /** Action(s) and resource(s) of the Deny statement. */
  statement(resource: Resource): { action: string | string[]; resource: string | string[] };
  /** The calls that set the whole policy to `text`. */
  put(resource: Resource, text: string): AwsCall[];
  /** The calls that remove the policy (restore of a resource that had none). */
  remove?(resource: Resource): AwsCall[];
}

export const DEFAULT_SID = "DenyInsecureTransport";

function sidOf(params: RemediationParams): string {
  return typeof params.Sid === "string" ? params.Sid : DEFAULT_SID;
}

export function tlsOnlyPolicyAction(spec: TlsOnlySpec): RemediationAction {
  const action: RemediationAction = {
    id: spec.id,
    resourceTypes: [spec.resourceType],
    description: spec.description,
    params: {
      type: "object",
      additionalProperties: false,
      properties: { Sid: { type: "string", pattern: "^[A-Za-z0-9]+$" } },
    },
    checkParams(params) {
      const sid = params.Sid;
      if (sid === undefined) return [];
      return typeof sid === "string" && /^[A-Za-z0-9]+$/.test(sid) ? [] : ["Sid must be letters and digits only"];
    },
    plan(resource, params) {
      assertParams(action, params);
      const existing = resource.document[spec.field];
      if (existing === undefined && !spec.absentMeansNone) {
        throw new PlanError(
          spec.id,
          `the document of ${resource.id} has no ${spec.field}; refusing to write a policy over one that was not read`,
        );
      }
      if (existing !== undefined && !isObject(existing)) {
        throw new PlanError(
          spec.id,
          `the ${spec.field} of ${resource.id} is not a readable JSON policy; refusing to replace it`,
        );
      }
      const merged = mergeSecureTransportDeny(existing as JsonObject | undefined, {
        sid: sidOf(params),
        ...spec.statement(resource),
      });
      return merged.changed ? spec.put(resource, merged.text) : [];
    },
    restore(before, after) {
      const was = before.document[spec.field];
      if (jsonEqual(was, after.document[spec.field])) return [];
      if (was === undefined) {
        if (spec.remove && spec.absentMeansNone) return spec.remove(before);
        throw new PlanError(spec.id, `the before document of ${before.id} has no ${spec.field} to put back`);
      }
      if (!isObject(was) && typeof was !== "string") {
        throw new PlanError(spec.id, `the before ${spec.field} of ${before.id} is not a policy`);
      }
      return spec.put(before, policyText(was));
    },
  };
  return action;
}
