import type { Resource } from "../resources/adapter";
import { isObject, type JsonObject } from "../util/json";
import { PlanError, type RemediationAction, type RemediationParams } from "./types";

/** Small readers shared by the actions: documents and params are plain JSON, read defensively. */

export function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

export function obj(v: unknown): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

/** A string field of the document that the plan cannot do without. */
export function requireString(actionId: string, resource: Resource, field: string): string {
  const v = str(resource.document[field]);
  if (v === undefined) throw new PlanError(actionId, `the ${resource.type} document of ${resource.id} has no ${field}`);
  return v;
}

/** Throws PlanError when the action's checkParams finds problems. */
export function assertParams(action: RemediationAction, params: RemediationParams): void {
  const problems = action.checkParams?.(params) ?? [];
  if (problems.length > 0) throw new PlanError(action.id, `invalid params: ${problems.join("; ")}`);
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** `ExpectedBucketOwner` for S3 calls: the resource's account, when it is a real 12-digit account id. */
export function expectedBucketOwner(resource: Resource): { ExpectedBucketOwner?: string } {
  return /^\d{12}$/.test(resource.accountId) ? { ExpectedBucketOwner: resource.accountId } : {};
}

/** AWS partition of a resource, from its ARN or its region (aws, aws-cn, aws-us-gov). */
export function partitionOf(resource: Resource): string {
  const m = /^arn:(aws[a-z-]*):/.exec(resource.arn ?? "");
  if (m?.[1]) return m[1];
  if (resource.region.startsWith("cn-")) return "aws-cn";
  if (resource.region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** An SQS queue's ARN: the document's QueueArn, else built from the queue URL (`https://<host>/<account>/<name>`). */
export function queueArnOf(actionId: string, resource: Resource): string {
  const arn = str(resource.document.QueueArn);
  if (arn) return arn;
  const m = /\/(\d{12})\/([^/]+)$/.exec(str(resource.document.QueueUrl) ?? resource.id);
  if (!m) throw new PlanError(actionId, `cannot tell the queue ARN of ${resource.id}`);
  return `arn:${partitionOf(resource)}:sqs:${resource.region}:${m[1]}:${m[2]}`;
}
