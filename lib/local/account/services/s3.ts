import type { ConfigItem } from "../../../resources/config-item";
import { isObject, type JsonObject } from "../../../util/json";
import { fail, type Operation, type OperationContext, type ServiceEmulation } from "./types";

/**
 * S3 bucket sub-resources. A bucket's Config item keeps them in `supplementaryConfiguration` (BucketPolicy,
 * PublicAccessBlockConfiguration, ServerSideEncryptionConfiguration, BucketVersioningConfiguration,
 * BucketLoggingConfiguration, camelCase members), as lib/resources/types/aws-s3-bucket.ts reads them. Errors are
 * S3's codes (NoSuchBucket, NoSuchBucketPolicy, MalformedPolicy, AccessDenied, ...; S3 API Reference, "Error
 * responses"); the unmodelled ones are S3ServiceException named by the code, as the SDK raises them.
 * CloudTrail records bucket calls in the bucket's Region, with `bucketName`, `Host` and the sub-resource's query
 * key in requestParameters, and names the public access block calls Get/Put/DeleteBucketPublicAccessBlock.
 */

const SERVICE = "S3";
const BUCKET = "AWS::S3::Bucket";
const XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
const ALGORITHMS = new Set(["AES256", "aws:kms", "aws:kms:dsse"]);

function bucketItem(ctx: OperationContext, input: JsonObject): ConfigItem {
  const name = typeof input.Bucket === "string" ? input.Bucket : "";
  const [item] = ctx.store.find(BUCKET, name);
  if (!item) fail(SERVICE, "NoSuchBucket", "The specified bucket does not exist", 404);
  ctx.recordRegion = item.region;
  const expected = input.ExpectedBucketOwner;
  if ((typeof expected === "string" && expected !== item.accountId) || item.accountId !== ctx.accountId) {
    fail(SERVICE, "AccessDenied", "Access Denied", 403);
  }
  return item;
}

function supp(item: ConfigItem, key: string): JsonObject | undefined {
  const v = item.supplementaryConfiguration[key];
  return isObject(v) ? v : undefined;
}

function bool(v: unknown): boolean {
  return v === true;
}

function malformedXml(): never {
  fail(
    SERVICE,
    "MalformedXML",
    "The XML you provided was not well-formed or did not validate against our published schema",
  );
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/**
 * A bucket policy S3 accepts: JSON, with statements whose resources are this bucket or its objects
 * ("Policy has invalid resource" otherwise).
 */
function checkPolicy(bucket: string, text: string): JsonObject {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    fail(SERVICE, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'");
  }
  if (!isObject(policy) || list(policy.Statement).length === 0) {
    fail(SERVICE, "MalformedPolicy", "Missing required field Statement");
  }
  for (const s of list(policy.Statement)) {
    if (!isObject(s) || (s.Effect !== "Allow" && s.Effect !== "Deny"))
      fail(SERVICE, "MalformedPolicy", "Invalid effect");
    for (const r of list(s.Resource ?? s.NotResource)) {
      const ok = typeof r === "string" && (r === `arn:aws:s3:::${bucket}` || r.startsWith(`arn:aws:s3:::${bucket}/`));
      if (!ok) fail(SERVICE, "MalformedPolicy", "Policy has invalid resource");
    }
  }
  return policy;
}

/** Whether a policy grants public access (an Allow to every principal without a condition). */
function isPublic(policy: JsonObject): boolean {
  return list(policy.Statement).some((s) => {
    if (!isObject(s) || s.Effect !== "Allow" || s.Condition !== undefined) return false;
    const p = s.Principal;
    return p === "*" || (isObject(p) && list(p.AWS).includes("*"));
  });
}

function blocks(item: ConfigItem, setting: string): boolean {
  return bool(supp(item, "PublicAccessBlockConfiguration")?.[setting]);
}

/** requestParameters: bucketName, Host, the sub-resource's query key, and the XML body as CloudTrail shows it. */
function request(subresource: string, body?: (input: JsonObject) => JsonObject) {
  return (input: JsonObject, ctx: OperationContext): JsonObject => {
    const bucket = typeof input.Bucket === "string" ? input.Bucket : "";
    const region = ctx.recordRegion ?? ctx.region;
    return {
      bucketName: bucket,
      Host: `${bucket}.s3.${region}.amazonaws.com`,
      [subresource]: "",
      ...(body ? body(input) : {}),
    };
  };
}

const op = (
  readOnly: boolean,
  subresource: string,
  serve: Operation["serve"],
  extra: Partial<Operation> = {},
): Operation => ({
  readOnly,
  serve,
  request: request(subresource),
  response: () => null,
  ...extra,
});

function withXmlns(v: unknown): JsonObject {
  return { xmlns: XMLNS, ...(isObject(v) ? v : {}) };
}

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  scenarios: true,
  operations: {
    GetBucketVersioning: op(true, "versioning", (input, ctx) => {
      const v = supp(bucketItem(ctx, input), "BucketVersioningConfiguration") ?? {};
      const status = typeof v.status === "string" && v.status !== "Off" ? v.status : undefined;
      const mfa =
        v.isMfaDeleteEnabled === true ? "Enabled" : v.isMfaDeleteEnabled === false && status ? "Disabled" : undefined;
      return { ...(status ? { Status: status } : {}), ...(mfa ? { MFADelete: mfa } : {}) };
    }),
    GetBucketPolicy: op(true, "policy", (input, ctx) => {
      const text = supp(bucketItem(ctx, input), "BucketPolicy")?.policyText;
      if (typeof text !== "string") fail(SERVICE, "NoSuchBucketPolicy", "The bucket policy does not exist", 404);
      return { Policy: text };
    }),
    GetPublicAccessBlock: op(
      true,
      "publicAccessBlock",
      (input, ctx) => {
        const c = supp(bucketItem(ctx, input), "PublicAccessBlockConfiguration");
        if (!c) {
          fail(
            SERVICE,
            "NoSuchPublicAccessBlockConfiguration",
            "The public access block configuration was not found",
            404,
          );
        }
        return {
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: bool(c.blockPublicAcls),
            IgnorePublicAcls: bool(c.ignorePublicAcls),
            BlockPublicPolicy: bool(c.blockPublicPolicy),
            RestrictPublicBuckets: bool(c.restrictPublicBuckets),
          },
        };
      },
      { eventName: "GetBucketPublicAccessBlock" },
    ),
    GetBucketEncryption: op(true, "encryption", (input, ctx) => {
      const c = supp(bucketItem(ctx, input), "ServerSideEncryptionConfiguration");
      if (!c) {
        fail(
          SERVICE,
          "ServerSideEncryptionConfigurationNotFoundError",
          "The server side encryption configuration was not found",
          404,
        );
      }
      const Rules = list(c.rules)
        .filter(isObject)
        .map((r) => {
          const d = isObject(r.applyServerSideEncryptionByDefault) ? r.applyServerSideEncryptionByDefault : undefined;
          return {
            ...(d
              ? {
                  ApplyServerSideEncryptionByDefault: {
                    SSEAlgorithm: d.sseAlgorithm,
                    ...(typeof d.kmsMasterKeyID === "string" ? { KMSMasterKeyID: d.kmsMasterKeyID } : {}),
                  },
                }
              : {}),
            ...(typeof r.bucketKeyEnabled === "boolean" ? { BucketKeyEnabled: r.bucketKeyEnabled } : {}),
          };
        });
      return { ServerSideEncryptionConfiguration: { Rules } };
    }),
    GetBucketTagging: op(true, "tagging", (input, ctx) => {
      const item = bucketItem(ctx, input);
      if (Object.keys(item.tags).length === 0) fail(SERVICE, "NoSuchTagSet", "The TagSet does not exist", 404);
      return { TagSet: Object.entries(item.tags).map(([Key, Value]) => ({ Key, Value })) };
    }),
    GetBucketLogging: op(true, "logging", (input, ctx) => {
      const l = supp(bucketItem(ctx, input), "BucketLoggingConfiguration");
      const target = l?.destinationBucketName;
      if (typeof target !== "string") return {};
      return {
        LoggingEnabled: {
          TargetBucket: target,
          TargetPrefix: typeof l?.logFilePrefix === "string" ? l.logFilePrefix : "",
        },
      };
    }),
    PutBucketPolicy: op(
      false,
      "policy",
      (input, ctx) => {
        const item = bucketItem(ctx, input);
        const text = typeof input.Policy === "string" ? input.Policy : "";
        const policy = checkPolicy(item.resourceId, text);
        // Block Public Access: BlockPublicPolicy refuses a policy that grants public access (S3 User Guide).
        if (blocks(item, "blockPublicPolicy") && isPublic(policy)) fail(SERVICE, "AccessDenied", "Access Denied", 403);
        ctx.save(item, (d) => (d.supplementaryConfiguration.BucketPolicy = { policyText: text }));
        return {};
      },
      {
        request: (input, ctx) => {
          let bucketPolicy: unknown;
          try {
            bucketPolicy = JSON.parse(String(input.Policy));
          } catch {
            bucketPolicy = undefined;
          }
          return { ...request("policy")(input, ctx), ...(isObject(bucketPolicy) ? { bucketPolicy } : {}) };
        },
      },
    ),
    DeleteBucketPolicy: op(false, "policy", (input, ctx) => {
      const item = bucketItem(ctx, input);
      ctx.save(item, (d) => (d.supplementaryConfiguration.BucketPolicy = { policyText: null }));
      return {};
    }),
    PutPublicAccessBlock: op(
      false,
      "publicAccessBlock",
      (input, ctx) => {
        const item = bucketItem(ctx, input);
        const c = input.PublicAccessBlockConfiguration;
        if (!isObject(c)) malformedXml();
        ctx.save(item, (d) => {
          d.supplementaryConfiguration.PublicAccessBlockConfiguration = {
            blockPublicAcls: bool(c.BlockPublicAcls),
            ignorePublicAcls: bool(c.IgnorePublicAcls),
            blockPublicPolicy: bool(c.BlockPublicPolicy),
            restrictPublicBuckets: bool(c.RestrictPublicBuckets),
          };
        });
        return {};
      },
      {
        eventName: "PutBucketPublicAccessBlock",
        request: (input, ctx) => ({
          ...request("publicAccessBlock")(input, ctx),
          PublicAccessBlockConfiguration: withXmlns(input.PublicAccessBlockConfiguration),
        }),
      },
    ),
    DeletePublicAccessBlock: op(
      false,
      "publicAccessBlock",
      (input, ctx) => {
        const item = bucketItem(ctx, input);
        ctx.save(item, (d) => delete d.supplementaryConfiguration.PublicAccessBlockConfiguration);
        return {};
      },
      { eventName: "DeleteBucketPublicAccessBlock" },
    ),
    PutBucketEncryption: op(
      false,
      "encryption",
      (input, ctx) => {
        const item = bucketItem(ctx, input);
        const c = input.ServerSideEncryptionConfiguration;
        const rules = isObject(c) ? list(c.Rules) : [];
        if (rules.length === 0) malformedXml();
        const stored = rules.map((r) => {
          if (!isObject(r)) malformedXml();
          const d = r.ApplyServerSideEncryptionByDefault;
          if (d !== undefined && (!isObject(d) || !ALGORITHMS.has(String(d.SSEAlgorithm)))) malformedXml();
          if (isObject(d) && d.SSEAlgorithm === "AES256" && d.KMSMasterKeyID !== undefined) {
            fail(
              SERVICE,
              "InvalidArgument",
              "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
            );
          }
          return {
            ...(isObject(d)
              ? {
                  applyServerSideEncryptionByDefault: {
                    sseAlgorithm: d.SSEAlgorithm,
                    ...(typeof d.KMSMasterKeyID === "string" ? { kmsMasterKeyID: d.KMSMasterKeyID } : {}),
                  },
                }
              : {}),
            bucketKeyEnabled: r.BucketKeyEnabled === true,
          };
        });
        ctx.save(item, (d) => (d.supplementaryConfiguration.ServerSideEncryptionConfiguration = { rules: stored }));
        return {};
      },
      {
        request: (input, ctx) => {
          const c = input.ServerSideEncryptionConfiguration;
          const rules = isObject(c) ? list(c.Rules) : [];
          return {
            ...request("encryption")(input, ctx),
            ServerSideEncryptionConfiguration: { xmlns: XMLNS, Rule: rules.length === 1 ? rules[0] : rules },
          };
        },
      },
    ),
    DeleteBucketEncryption: op(false, "encryption", (input, ctx) => {
      const item = bucketItem(ctx, input);
      // "Resets the default encryption for the bucket as server-side encryption with Amazon S3 managed keys"
      // (S3 API Reference, DeleteBucketEncryption): every bucket has SSE-S3 at least.
      ctx.save(item, (d) => {
        d.supplementaryConfiguration.ServerSideEncryptionConfiguration = {
          rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }],
        };
      });
      return {};
    }),
    PutBucketVersioning: op(
      false,
      "versioning",
      (input, ctx) => {
        const item = bucketItem(ctx, input);
        const c = input.VersioningConfiguration;
        const status = isObject(c) ? c.Status : undefined;
        if (status !== "Enabled" && status !== "Suspended") malformedXml();
        const before = supp(item, "BucketVersioningConfiguration") ?? {};
        if (
          before.isMfaDeleteEnabled === true ||
          (isObject(c) && c.MFADelete !== undefined && input.MFA === undefined)
        ) {
          fail(SERVICE, "AccessDenied", "Mfa Authentication must be used for this request", 403);
        }
        ctx.save(item, (d) => {
          d.supplementaryConfiguration.BucketVersioningConfiguration = {
            status,
            isMfaDeleteEnabled: before.isMfaDeleteEnabled ?? null,
          };
        });
        return {};
      },
      {
        request: (input, ctx) => ({
          ...request("versioning")(input, ctx),
          VersioningConfiguration: withXmlns(input.VersioningConfiguration),
        }),
      },
    ),
  },
};
