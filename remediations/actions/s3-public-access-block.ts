import type { PublicAccessBlockConfiguration } from "@aws-sdk/client-s3";
import type { Resource } from "../../lib/resources/adapter";
import { assertParams, expectedBucketOwner, obj, requireString } from "../../lib/remediation/document";
import { awsCall, PlanError, type AwsCall, type RemediationAction } from "../../lib/remediation/types";

/** SDK member name -> document field. */
const SETTINGS = {
  BlockPublicAcls: "blockPublicAcls",
  IgnorePublicAcls: "ignorePublicAcls",
  BlockPublicPolicy: "blockPublicPolicy",
  RestrictPublicBuckets: "restrictPublicBuckets",
} as const;
type Setting = keyof typeof SETTINGS;
const NAMES = Object.keys(SETTINGS) as Setting[];

/**
 * The bucket's configuration as the document holds it (GetPublicAccessBlock returns four booleans; a bucket
 * without one, NoSuchPublicAccessBlockConfiguration, has no configuration: every setting off), each setting as
 * found, in SDK naming; undefined when the bucket has none.
 */
function current(resource: Resource): Record<Setting, unknown> | undefined {
  const raw = resource.document.publicAccessBlockConfiguration;
  if (raw === undefined) return undefined;
  const pab = obj(raw);
  if (!pab) {
    throw new PlanError(
      action.id,
      `the publicAccessBlockConfiguration of ${resource.id} is not an object; refusing to guess its settings`,
    );
  }
  return Object.fromEntries(NAMES.map((n) => [n, pab[SETTINGS[n]]])) as Record<Setting, unknown>;
}

/**
 * A setting the call must carry over as it is: only true or false are. Anything else (1, "yes", null, missing)
 * is not what GetPublicAccessBlock returns, and reading it as off would turn a protection off: refused.
 */
function carried(resource: Resource, now: Record<Setting, unknown>, n: Setting, which = ""): boolean {
  const v = now[n];
  if (typeof v === "boolean") return v;
  throw new PlanError(
    action.id,
    `the ${which}publicAccessBlockConfiguration/${SETTINGS[n]} of ${resource.id} is ${v === undefined ? "missing" : JSON.stringify(v)}, not true or false; refusing to guess a setting PutPublicAccessBlock would write`,
  );
}

const bucket = (resource: Resource) => ({
  Bucket: requireString(action.id, resource, "name"),
  ...expectedBucketOwner(resource),
});

export const action: RemediationAction = {
  id: "s3-public-access-block",
  resourceTypes: ["AWS::S3::Bucket"],
  description:
    "Turns on the bucket's Block Public Access settings the params name (default all four: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets) with PutPublicAccessBlock, which replaces the whole configuration: the settings asked for are written on and every other one exactly as GetPublicAccessBlock returned it (off when the bucket has no configuration), so none is ever turned off; a current setting that is not true or false is refused by name rather than guessed. RestrictPublicBuckets and IgnorePublicAcls take effect at once: a bucket deliberately serving public content (a website without CloudFront) stops serving it, hence approve mode. Restore puts the recorded configuration back, or deletes the bucket-level configuration (DeletePublicAccessBlock) when the bucket had none.",
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
    const now = current(resource);
    if (now && wanted.every((n) => now[n] === true)) return [];
    // PutPublicAccessBlock replaces the whole configuration: the settings asked for are written true, every
    // other one exactly as it is now (off for a bucket without a configuration).
    const config: PublicAccessBlockConfiguration = {};
    for (const n of NAMES) config[n] = wanted.includes(n) || (now ? carried(resource, now, n) : false);
    return [awsCall("s3", "PutPublicAccessBlock", { ...bucket(resource), PublicAccessBlockConfiguration: config })];
  },
  restore(before, after): AwsCall[] {
    const was = current(before);
    const is = obj(after.document.publicAccessBlockConfiguration);
    if (was === undefined) return is === undefined ? [] : [awsCall("s3", "DeletePublicAccessBlock", bucket(before))];
    const config: PublicAccessBlockConfiguration = {};
    for (const n of NAMES) config[n] = carried(before, was, n, "before ");
    if (is && NAMES.every((n) => is[SETTINGS[n]] === config[n])) return [];
    return [awsCall("s3", "PutPublicAccessBlock", { ...bucket(before), PublicAccessBlockConfiguration: config })];
  },
};
