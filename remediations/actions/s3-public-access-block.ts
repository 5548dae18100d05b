import type { PublicAccessBlockConfiguration } from "@aws-sdk/client-s3";
import type { Resource } from "../../lib/resources/adapter";
import { assertParams, expectedBucketOwner, obj, requireString } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

/** SDK member name -> document field. */
const SETTINGS = {
  BlockPublicAcls: "blockPublicAcls",
  IgnorePublicAcls: "ignorePublicAcls",
  BlockPublicPolicy: "blockPublicPolicy",
  RestrictPublicBuckets: "restrictPublicBuckets",
} as const;
type Setting = keyof typeof SETTINGS;
const NAMES = Object.keys(SETTINGS) as Setting[];

/** The bucket's configuration in SDK naming; absent settings are false. */
function current(resource: Resource): Record<Setting, boolean> | undefined {
  const pab = obj(resource.document.publicAccessBlockConfiguration);
  if (!pab) return undefined;
  return Object.fromEntries(NAMES.map((n) => [n, pab[SETTINGS[n]] === true])) as Record<Setting, boolean>;
}

const bucket = (resource: Resource) => ({
  Bucket: requireString(action.id, resource, "name"),
  ...expectedBucketOwner(resource),
});

export const action: RemediationAction = {
  id: "s3-public-access-block",
  resourceTypes: ["AWS::S3::Bucket"],
  description:
    "Turns on the bucket's Block Public Access settings the params name (default all four: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets) with PutPublicAccessBlock; a setting already on stays on, none is ever turned off. RestrictPublicBuckets and IgnorePublicAcls take effect at once: a bucket deliberately serving public content (a website without CloudFront) stops serving it, hence approve mode. Restore puts the recorded configuration back, or deletes the bucket-level configuration (DeletePublicAccessBlock) when the bucket had none.",
  params: {
    type: "object",
    additionalProperties: false,
    properties: {
      BlockPublicAcls: { const: true },
      IgnorePublicAcls: { const: true },
      BlockPublicPolicy: { const: true },
      RestrictPublicBuckets: { const: true },
    },
  },
  checkParams(params) {
    return Object.entries(params).flatMap(([k, v]) =>
      !(NAMES as string[]).includes(k)
        ? [`unknown setting ${k} (${NAMES.join(", ")})`]
        : v !== true
          ? [`${k} may only be true: this action never turns a protection off`]
          : [],
    );
  },
  plan(resource, params) {
    assertParams(action, params);
    const wanted = NAMES.filter((n) => Object.keys(params).length === 0 || params[n] === true);
    const now = current(resource) ?? {
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    };
    if (wanted.every((n) => now[n])) return [];
    const config: PublicAccessBlockConfiguration = {};
    for (const n of NAMES) config[n] = now[n] || wanted.includes(n);
    return [awsCall("s3", "PutPublicAccessBlock", { ...bucket(resource), PublicAccessBlockConfiguration: config })];
  },
  restore(before, after): AwsCall[] {
    const was = current(before);
    const is = current(after);
    if (JSON.stringify(was) === JSON.stringify(is)) return [];
    if (was === undefined) return [awsCall("s3", "DeletePublicAccessBlock", bucket(before))];
    return [awsCall("s3", "PutPublicAccessBlock", { ...bucket(before), PublicAccessBlockConfiguration: { ...was } })];
  },
};
