import type { Resource } from "../resources/adapter";
import { assertParams } from "./document";
import { mergeSecureTransportDeny, PolicyMergeError } from "./resource-policy";
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
  /**
   * The document field holding the policy's text exactly as the service returned it: what the plan edits (only
   * inserting its statement) and what a restore puts back, byte for byte.
   */
  textField: string;
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
      const text = policyTextOf(spec, resource, "");
      if (text === undefined && !spec.absentMeansNone) {
        throw new PlanError(
          spec.id,
          `the document of ${resource.id} has no ${spec.field}; refusing to write a policy over one that was not read`,
        );
      }
      let merged;
      try {
        merged = mergeSecureTransportDeny(text, { sid: sidOf(params), ...spec.statement(resource) });
      } catch (e) {
        if (!(e instanceof PolicyMergeError)) throw e;
        throw new PlanError(
          spec.id,
          `the ${spec.textField} of ${resource.id} cannot be edited without risk to what it says: ${e.message}; refusing to rewrite it`,
        );
      }
      return merged.changed ? spec.put(resource, merged.text) : [];
    },
    restore(before, after) {
      const was = policyTextOf(spec, before, "before ");
      if (was === undefined) {
        // The resource had no policy.
        if (after.document[spec.field] === undefined && after.document[spec.textField] === undefined) return [];
        if (spec.remove && spec.absentMeansNone) return spec.remove(before);
        throw new PlanError(spec.id, `the before document of ${before.id} has no ${spec.field} to put back`);
      }
      return was === after.document[spec.textField] ? [] : spec.put(before, was);
    },
  };
  return action;
}

/**
 * The policy text of a document, or undefined when the resource has no policy. A document holding the policy
 * only parsed (a record written before the text was kept, a source that did not return it) is refused: writing
 * the parsed form back could change what the policy says (a key twice, a number a double cannot hold), and a
 * restore from it would not put back what was there.
 */
function policyTextOf(spec: TlsOnlySpec, resource: Resource, which: string): string | undefined {
  const text = resource.document[spec.textField];
  if (typeof text === "string") return text;
  if (text !== undefined) {
    throw new PlanError(spec.id, `the ${which}${spec.textField} of ${resource.id} is not text; refusing to guess it`);
  }
  if (resource.document[spec.field] !== undefined) {
    throw new PlanError(
      spec.id,
      `the ${which}document of ${resource.id} holds ${spec.field} only parsed, not as the text the service returned (${spec.textField}); refusing to write a policy rebuilt from its parsed form`,
    );
  }
  return undefined;
}
