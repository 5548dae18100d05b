import { toConfigItem } from "../resources/config-item";
import { adapterFor } from "../resources/registry";
import type { JsonObject } from "../util/json";
import { isCloudTrailPolicy, resourceTypesOf, type PolicyExample, type PolicyFile } from "./types";

/**
 * A policy example in the short form (`configuration`, optionally tags, supplementaryConfiguration, resourceType,
 * resourceId, resourceName) becomes the configuration item it stands for. The filled-in fields are stable, so an
 * example judges the same way on every run: the account and Region are the ones AWS's own documentation uses in its
 * examples, the item is OK (not deleted), and its capture time is fixed.
 */
export const EXAMPLE_ACCOUNT = "123456789012";
export const EXAMPLE_REGION = "us-east-1";
export const EXAMPLE_CAPTURE_TIME = "2026-01-01T00:00:00.000Z";

/** Where a short-form example is wrong for its policy (a pointer below the example and a message), or undefined. */
export function shortExampleProblem(
  policy: PolicyFile,
  example: PolicyExample,
): { pointer: string; message: string } | undefined {
  if (example.configuration === undefined) return undefined;
  if (isCloudTrailPolicy(policy)) {
    return {
      pointer: "/configuration",
      message: "a CloudTrail policy's examples are CloudTrail records: give cloudTrailEvent, not configuration",
    };
  }
  const types = resourceTypesOf(policy);
  if (example.resourceType === undefined) {
    if (types.length > 1) {
      return {
        pointer: "",
        message: `missing "resourceType": the policy judges ${types.length} types (${types.join(", ")}), so a configuration-only example names its own`,
      };
    }
    return undefined;
  }
  if (!types.includes(example.resourceType)) {
    return {
      pointer: "/resourceType",
      message: `"${example.resourceType}" is not a type the policy judges (${types.join(", ")})`,
    };
  }
  return undefined;
}

/** A name a resource of any type may have: the example's name in lower-case words joined by dashes. */
function nameOf(example: PolicyExample): string {
  const words = example.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
  return `example-${words || "resource"}`;
}

/**
 * The configuration item an example stands for, in the invocation naming (AWS Config Developer Guide, "Example
 * events for AWS Config rules": `ARN`, `awsAccountId`, `awsRegion`, `configuration` as an object): the example's
 * own `configurationItem`, or the short form filled in. Undefined for a CloudTrail example.
 */
export function exampleConfigItem(policy: PolicyFile, example: PolicyExample): JsonObject | undefined {
  if (example.configurationItem) return example.configurationItem;
  if (example.configuration === undefined) return undefined;
  const resourceType = example.resourceType ?? resourceTypesOf(policy)[0] ?? "";
  const resourceName = example.resourceName ?? nameOf(example);
  const resourceId = example.resourceId ?? resourceName;
  const item: JsonObject = {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: EXAMPLE_CAPTURE_TIME,
    configurationItemStatus: "OK",
    configurationStateId: 1,
    awsAccountId: EXAMPLE_ACCOUNT,
    awsRegion: EXAMPLE_REGION,
    resourceType,
    resourceId,
    resourceName,
    configuration: example.configuration,
    supplementaryConfiguration: example.supplementaryConfiguration ?? {},
    tags: example.tags ?? {},
    relationships: [],
  };
  // The ARN as the type's adapter builds it from the document or the id; none when the type cannot tell.
  const adapter = adapterFor(resourceType);
  if (adapter?.arn) {
    const arn = adapter.arn(
      { type: resourceType, id: resourceId, region: EXAMPLE_REGION, accountId: EXAMPLE_ACCOUNT },
      adapter.fromConfigItem(toConfigItem(item)),
    );
    if (arn) item.ARN = arn;
  }
  return item;
}
