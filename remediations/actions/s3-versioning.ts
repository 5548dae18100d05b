import type { BucketVersioningStatus } from "@aws-sdk/client-s3";
import type { Resource } from "../../lib/resources/adapter";
import { assertParams, expectedBucketOwner, obj, requireString, str } from "../../lib/remediation/document";
import { awsCall, PlanError, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

function statusOf(resource: Resource): string {
  return str(obj(resource.document.versioningConfiguration)?.status) ?? "Off";
}

const put = (resource: Resource, Status: BucketVersioningStatus) =>
  awsCall("s3", "PutBucketVersioning", {
    Bucket: requireString(action.id, resource, "name"),
    VersioningConfiguration: { Status },
    ...expectedBucketOwner(resource),
  });

export const action: RemediationAction = {
  id: "s3-versioning",
  resourceTypes: ["AWS::S3::Bucket"],
  description:
    "Turns versioning on (PutBucketVersioning Status Enabled). Every later overwrite and delete keeps the old version, which costs storage until a lifecycle rule expires noncurrent versions, hence approve mode. A bucket with MFA delete needs the owner's MFA code for any versioning change, so the plan refuses it. AWS cannot return a bucket to unversioned: restore of a bucket that was never versioned (Off) sets Suspended, the closest state (new objects get no versions, existing versions stay); a bucket that was Suspended goes back to Suspended.",
  params: { type: "object", additionalProperties: false, properties: { Status: { const: "Enabled" } } },
  checkParams(params) {
    return params.Status === undefined || params.Status === "Enabled" ? [] : ['Status may only be "Enabled"'];
  },
  plan(resource, params) {
    assertParams(action, params);
    if (statusOf(resource) === "Enabled") return [];
    if (obj(resource.document.versioningConfiguration)?.isMfaDeleteEnabled === true) {
      throw new PlanError(action.id, "MFA delete is on: changing versioning needs the bucket owner's MFA code");
    }
    return [put(resource, "Enabled")];
  },
  restore(before, after): AwsCall[] {
    const was = statusOf(before);
    const is = statusOf(after);
    if (was === is) return [];
    const target: BucketVersioningStatus = was === "Enabled" ? "Enabled" : "Suspended";
    return target === is ? [] : [put(before, target)];
  },
};
