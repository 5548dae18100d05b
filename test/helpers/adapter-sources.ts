import { cloudFormationSource } from "../../lib/cloudformation/document";
import { resolveTemplate } from "../../lib/cloudformation/resolve";
import { parseTemplate } from "../../lib/cloudformation/template";
import { createPolicyAjv } from "../../lib/policy/ajv";
import type { ResourceAdapter } from "../../lib/resources/adapter";
import { toConfigItem } from "../../lib/resources/config-item";
import { resourceIdentities } from "../../lib/resources/registry";
import type { JsonObject } from "../../lib/util/json";

/**
 * What the adapter tests of each type family share, to hold a type's four sources to one document: the document of
 * a Config item, of a template resource, a check against the adapter's document schema, and a CloudTrail record
 * (CloudTrail User Guide, "CloudTrail record contents") of a write by an assumed role.
 */
export const TEST_ACCOUNT = "111122223333";
export const TEST_REGION = "eu-west-1";

const ajv = createPolicyAjv();

export const docOf = (adapter: ResourceAdapter, raw: JsonObject) => adapter.fromConfigItem(toConfigItem(raw));

export function expectSchemaValid(adapter: ResourceAdapter, doc: unknown): void {
  const validate = ajv.compile(adapter.documentSchema as object);
  if (!validate(doc)) throw new Error(`${adapter.type}: ${ajv.errorsText(validate.errors)}`);
}

export function templateDoc(adapter: ResourceAdapter, yaml: string, logicalId: string): JsonObject {
  const resolved = resolveTemplate(parseTemplate("t.yaml", yaml), {}, resourceIdentities());
  const resource = resolved.resources.find((r) => r.logicalId === logicalId);
  if (!resource || !adapter.fromCloudFormation) throw new Error(`no ${logicalId}`);
  return adapter.fromCloudFormation(cloudFormationSource(resource, resolved.resources, new Map())) as JsonObject;
}

export function trail(
  eventSource: string,
  eventName: string,
  requestParameters: JsonObject,
  responseElements: unknown,
): JsonObject {
  return {
    eventVersion: "1.09",
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAEXAMPLEROLEID:deployer",
      arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/deployer/deployer`,
      accountId: TEST_ACCOUNT,
    },
    eventTime: "2026-11-02T13:20:04Z",
    eventSource,
    eventName,
    awsRegion: TEST_REGION,
    sourceIPAddress: "203.0.113.10",
    userAgent: "aws-cli/2.17.0",
    requestParameters,
    responseElements,
    requestID: "5b2c1e0a-6f3d-4a8b-9c7e-0d1f2a3b4c5d",
    eventID: "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
    readOnly: false,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: TEST_ACCOUNT,
    eventCategory: "Management",
  };
}
