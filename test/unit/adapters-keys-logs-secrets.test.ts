import type { KeyMetadata } from "@aws-sdk/client-kms";
import type { LogGroup } from "@aws-sdk/client-cloudwatch-logs";
import type { DescribeSecretResponse } from "@aws-sdk/client-secrets-manager";
import type { DescribeStateMachineOutput } from "@aws-sdk/client-sfn";
import { UnknownValue } from "../../lib/cloudformation/unknown";
import { resourceIdentities } from "../../lib/resources/registry";
import { REFERENCES } from "../../lib/resources/references";
import { adapter as keyAdapter } from "../../lib/resources/types/aws-kms-key";
import { adapter as logGroupAdapter } from "../../lib/resources/types/aws-logs-loggroup";
import { adapter as secretAdapter } from "../../lib/resources/types/aws-secretsmanager-secret";
import { adapter as machineAdapter } from "../../lib/resources/types/aws-stepfunctions-statemachine";
import type { JsonObject } from "../../lib/util/json";
import { docOf, expectSchemaValid, templateDoc, trail } from "../helpers/adapter-sources";

/*
 * Keys, logs and secrets: the four sources hold one document. Config shapes: awslabs/aws-config-resource-schema
 * AWS::KMS::Key and AWS::SecretsManager::Secret .properties.json; AWS::Logs::LogGroup in the CloudFormation
 * resource's shape (INFERRED, policies/logs/README.md). SDK shapes: KMS API Reference KeyMetadata, CloudWatch Logs
 * API Reference LogGroup, Secrets Manager API Reference DescribeSecret. Templates: the CloudFormation reference of
 * each type. CloudTrail: "Logging AWS KMS API calls with AWS CloudTrail" (EnableKeyRotation example), "Logging
 * Amazon CloudWatch Logs API calls with AWS CloudTrail", "Logging AWS Secrets Manager events with AWS CloudTrail".
 */

const ACCT = "111122223333";
const REGION = "eu-west-1";
const KEY_ID = "6f1e2d3c-4b5a-4978-8e6d-5c4b3a291807";
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCT}:key/${KEY_ID}`;

function configItem(
  resourceType: string,
  resourceId: string,
  resourceName: string | undefined,
  arn: string,
  configuration: JsonObject,
  supplementaryConfiguration: JsonObject = {},
  tags: Record<string, string> = { team: "orders" },
): JsonObject {
  return {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2026-11-02T13:27:10.661Z",
    configurationStateId: 1793626030661,
    awsAccountId: ACCT,
    configurationItemStatus: "OK",
    resourceType,
    resourceId,
    ...(resourceName ? { resourceName } : {}),
    ARN: arn,
    awsRegion: REGION,
    availabilityZone: "Regional",
    configurationStateMd5Hash: "",
    relatedEvents: [],
    relationships: [],
    configuration,
    supplementaryConfiguration,
    tags,
  };
}

/** The same item as GetResourceConfigHistory returns it: `configuration` and supplementary values as JSON text. */
function apiNaming(invocation: JsonObject): JsonObject {
  const {
    ARN,
    awsAccountId,
    configurationItemVersion,
    configurationStateMd5Hash: _md5,
    configuration,
    supplementaryConfiguration,
    ...rest
  } = invocation;
  return {
    ...rest,
    version: configurationItemVersion,
    accountId: awsAccountId,
    arn: ARN,
    configurationStateId: String(rest.configurationStateId),
    configuration: JSON.stringify(configuration),
    supplementaryConfiguration: Object.fromEntries(
      Object.entries(supplementaryConfiguration as JsonObject).map(([k, v]) => [k, JSON.stringify(v)]),
    ),
    recordingFrequency: "CONTINUOUS",
  };
}

describe("registry", () => {
  it("judges KMS keys and log groups with adapters, no longer as references only", () => {
    const refs = REFERENCES.map((r) => r.type);
    expect(refs).not.toContain("AWS::KMS::Key");
    expect(refs).not.toContain("AWS::Logs::LogGroup");
    // The registry refuses a type twice (byType), so building it at all shows the references are gone.
    const identities = resourceIdentities();
    for (const t of [
      "AWS::KMS::Key",
      "AWS::Logs::LogGroup",
      "AWS::SecretsManager::Secret",
      "AWS::StepFunctions::StateMachine",
    ]) {
      expect(identities.get(t)).toHaveProperty("documentSchema");
    }
  });
});

// ---- AWS::KMS::Key -----------------------------------------------------------------------------------------------

const sdkKey: KeyMetadata = {
  AWSAccountId: ACCT,
  KeyId: KEY_ID,
  Arn: KEY_ARN,
  CreationDate: new Date("2025-03-14T09:12:44.318Z"),
  Enabled: true,
  Description: "orders data key",
  KeyUsage: "ENCRYPT_DECRYPT",
  KeyState: "Enabled",
  Origin: "AWS_KMS",
  KeyManager: "CUSTOMER",
  CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
  KeySpec: "SYMMETRIC_DEFAULT",
  EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
  MultiRegion: false,
};

const configKey: JsonObject = {
  awsaccountId: ACCT,
  keyId: KEY_ID,
  arn: KEY_ARN,
  creationDate: "2025-03-14T09:12:44.318Z",
  enabled: true,
  description: "orders data key",
  keyUsage: "ENCRYPT_DECRYPT",
  keyState: "Enabled",
  origin: "AWS_KMS",
  keyManager: "CUSTOMER",
  customerMasterKeySpec: "SYMMETRIC_DEFAULT",
  encryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
  signingAlgorithms: [],
};
const keyItem = configItem("AWS::KMS::Key", KEY_ID, undefined, KEY_ARN, configKey, { KeyRotationStatus: false });
const keyRef = { type: "AWS::KMS::Key", id: KEY_ID, region: REGION, accountId: ACCT, arn: KEY_ARN };

describe("AWS::KMS::Key", () => {
  const fromConfig = docOf(keyAdapter, keyItem);

  it("reads Config's KeyMetadata and KeyRotationStatus into the document", () => {
    expect(fromConfig).toEqual({
      keyId: KEY_ID,
      arn: KEY_ARN,
      description: "orders data key",
      enabled: true,
      keyState: "Enabled",
      keyManager: "CUSTOMER",
      keySpec: "SYMMETRIC_DEFAULT",
      keyUsage: "ENCRYPT_DECRYPT",
      origin: "AWS_KMS",
      keyRotationEnabled: false,
      tags: { team: "orders" },
    });
    expectSchemaValid(keyAdapter, fromConfig);
  });

  it("gives the same document from the API naming and from a describe", () => {
    expect(docOf(keyAdapter, apiNaming(keyItem))).toEqual(fromConfig);
    const described = {
      ref: keyRef,
      DescribeKey: { KeyMetadata: sdkKey },
      GetKeyRotationStatus: { KeyRotationEnabled: false },
      ListResourceTags: { Tags: [{ TagKey: "team", TagValue: "orders" }], Truncated: false },
    };
    expect(keyAdapter.fromDescribe?.(described)).toEqual(fromConfig);
    expect(keyAdapter.fromDescribe?.(JSON.parse(JSON.stringify(described)))).toEqual(fromConfig);
  });

  it("gives the same settings from a template, KMS's create defaults filled in", () => {
    const doc = templateDoc(
      keyAdapter,
      `Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: orders data key
      KeyPolicy: { Version: "2012-10-17", Statement: [] }
      Tags: [{ Key: team, Value: orders }]
`,
      "Key",
    );
    expect(doc.keyId).toBeInstanceOf(UnknownValue);
    const { keyId: _k, arn: _a, ...deployed } = fromConfig;
    const { keyId: _t, ...fromTemplate } = doc;
    expect(fromTemplate).toEqual(deployed);
    expectSchemaValid(keyAdapter, { ...doc, keyId: KEY_ID });
    const rotating = templateDoc(
      keyAdapter,
      `Resources:
  Key: { Type: AWS::KMS::Key, Properties: { EnableKeyRotation: "true", Enabled: false } }
`,
      "Key",
    );
    expect(rotating).toMatchObject({ keyRotationEnabled: true, enabled: false, keyState: "Disabled" });
  });

  it("names the key of a CloudTrail call by key id, from an id or an ARN", () => {
    // "Logging AWS KMS API calls with AWS CloudTrail", EnableKeyRotation: requestParameters.keyId is the key id.
    const record = trail(
      "kms.amazonaws.com",
      "EnableKeyRotation",
      { keyId: KEY_ID, rotationPeriodInDays: 180 },
      { keyId: KEY_ARN },
    );
    expect(keyAdapter.fromCloudTrail?.(record)).toEqual([keyRef]);
    expect(keyAdapter.fromCloudTrail?.({ ...record, requestParameters: { keyId: KEY_ARN } })).toEqual([keyRef]);
    const created = trail(
      "kms.amazonaws.com",
      "CreateKey",
      { keyUsage: "ENCRYPT_DECRYPT", keySpec: "SYMMETRIC_DEFAULT" },
      { keyMetadata: { keyId: KEY_ID, arn: KEY_ARN, keyState: "Enabled" } },
    );
    expect(keyAdapter.fromCloudTrail?.(created)).toEqual([keyRef]);
    // An alias is not a key, a read names nothing, and another service's record is not a key's.
    expect(keyAdapter.fromCloudTrail?.({ ...record, requestParameters: { keyId: "alias/orders" } })).toEqual([]);
    expect(keyAdapter.fromCloudTrail?.({ ...record, eventName: "Decrypt" })).toEqual([]);
    expect(keyAdapter.fromCloudTrail?.({ ...record, eventSource: "logs.amazonaws.com" })).toEqual([]);
  });

  it("does not throw on a malformed item, and drops values of the wrong type", () => {
    for (const configuration of [null, {}, { keyState: 5, enabled: "maybe", keyManager: ["CUSTOMER"] }]) {
      const doc = docOf(keyAdapter, {
        ...keyItem,
        configuration,
        supplementaryConfiguration: { KeyRotationStatus: "x" },
      });
      expect(doc.keyId).toBe(KEY_ID);
      expect(doc).not.toHaveProperty("keyState");
      expect(doc).not.toHaveProperty("keyRotationEnabled");
      expectSchemaValid(keyAdapter, doc);
    }
    expect(keyAdapter.fromDescribe?.({ ref: keyRef, DescribeKey: { KeyMetadata: "x" } })).toMatchObject({
      keyId: KEY_ID,
    });
  });
});

// ---- AWS::Logs::LogGroup -----------------------------------------------------------------------------------------

const GROUP = "/aws/lambda/orders-api";
const GROUP_ARN = `arn:aws:logs:${REGION}:${ACCT}:log-group:${GROUP}`;
const sdkGroup: LogGroup = {
  logGroupName: GROUP,
  creationTime: 1741943564318,
  retentionInDays: 14,
  metricFilterCount: 0,
  arn: `${GROUP_ARN}:*`,
  storedBytes: 123456,
  kmsKeyId: KEY_ARN,
  logGroupClass: "STANDARD",
  logGroupArn: GROUP_ARN,
};
const groupItem = configItem("AWS::Logs::LogGroup", GROUP, GROUP, `${GROUP_ARN}:*`, {
  LogGroupName: GROUP,
  Arn: `${GROUP_ARN}:*`,
  RetentionInDays: 14,
  KmsKeyId: KEY_ARN,
});
const groupRef = { type: "AWS::Logs::LogGroup", id: GROUP, region: REGION, accountId: ACCT, arn: GROUP_ARN };

describe("AWS::Logs::LogGroup", () => {
  const fromConfig = docOf(logGroupAdapter, groupItem);

  it("holds one document across Config (both namings), a describe and a template", () => {
    expect(fromConfig).toEqual({
      LogGroupName: GROUP,
      Arn: GROUP_ARN,
      RetentionInDays: 14,
      KmsKeyId: KEY_ARN,
      tags: { team: "orders" },
    });
    expectSchemaValid(logGroupAdapter, fromConfig);
    expect(docOf(logGroupAdapter, apiNaming(groupItem))).toEqual(fromConfig);
    const described = {
      ref: groupRef,
      DescribeLogGroups: { logGroups: [sdkGroup] },
      ListTagsForResource: { tags: { team: "orders" } },
    };
    expect(logGroupAdapter.fromDescribe?.(described)).toEqual(fromConfig);
    const doc = templateDoc(
      logGroupAdapter,
      `Resources:
  Group:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: ${GROUP}
      RetentionInDays: "14"
      KmsKeyId: ${KEY_ARN}
      Tags: [{ Key: team, Value: orders }]
`,
      "Group",
    );
    const { Arn: _a, ...deployed } = fromConfig;
    expect(doc).toEqual(deployed);
  });

  it("reads a group that never expires the same way from each source", () => {
    const { retentionInDays: _r, kmsKeyId: _k, ...plain } = sdkGroup;
    const described = logGroupAdapter.fromDescribe?.({
      ref: groupRef,
      DescribeLogGroups: { logGroups: [plain] },
      ListTagsForResource: { tags: {} },
    });
    const config = docOf(logGroupAdapter, {
      ...groupItem,
      configuration: { LogGroupName: GROUP, Arn: `${GROUP_ARN}:*` },
      tags: {},
    });
    expect(described).toEqual(config);
    expect(config).not.toHaveProperty("RetentionInDays");
    const doc = templateDoc(logGroupAdapter, "Resources:\n  Group: { Type: AWS::Logs::LogGroup }\n", "Group");
    expect(doc.LogGroupName).toBeInstanceOf(UnknownValue);
    expect(doc).not.toHaveProperty("RetentionInDays");
  });

  it("names the group of a CloudTrail call by name or ARN", () => {
    const record = trail("logs.amazonaws.com", "PutRetentionPolicy", { logGroupName: GROUP, retentionInDays: 1 }, null);
    expect(logGroupAdapter.fromCloudTrail?.(record)).toEqual([groupRef]);
    const tagged = trail("logs.amazonaws.com", "TagResource", { resourceArn: `${GROUP_ARN}:*`, tags: {} }, null);
    expect(logGroupAdapter.fromCloudTrail?.(tagged)).toEqual([groupRef]);
    expect(logGroupAdapter.fromCloudTrail?.({ ...record, eventName: "PutLogEvents" })).toEqual([]);
    expect(logGroupAdapter.fromCloudTrail?.({ ...record, requestParameters: { logGroupName: "bad name!" } })).toEqual(
      [],
    );
  });

  it("does not throw on a malformed item", () => {
    for (const configuration of [null, {}, { RetentionInDays: "forever", KmsKeyId: 7, LogGroupName: "" }]) {
      const doc = docOf(logGroupAdapter, { ...groupItem, configuration } as JsonObject);
      expect(doc.LogGroupName).toBe(GROUP);
      expect(doc).not.toHaveProperty("RetentionInDays");
      expectSchemaValid(logGroupAdapter, doc);
    }
  });
});

// ---- AWS::SecretsManager::Secret ---------------------------------------------------------------------------------

const SECRET = "orders/db";
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCT}:secret:${SECRET}-a1B2c3`;
const ROTATION_FN = `arn:aws:lambda:${REGION}:${ACCT}:function:SecretsManagerRDSPostgreSQLRotationSingleUser`;
const sdkSecret: DescribeSecretResponse = {
  ARN: SECRET_ARN,
  Name: SECRET,
  Description: "orders database credentials",
  KmsKeyId: KEY_ARN,
  RotationEnabled: true,
  RotationLambdaARN: ROTATION_FN,
  RotationRules: { AutomaticallyAfterDays: 30 },
  LastRotatedDate: new Date("2026-10-20T00:00:00Z"),
  LastChangedDate: new Date("2026-10-20T00:00:00Z"),
  LastAccessedDate: new Date("2026-11-02T00:00:00Z"),
  NextRotationDate: new Date("2026-11-19T23:59:59Z"),
  Tags: [{ Key: "team", Value: "orders" }],
  VersionIdsToStages: { "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a": ["AWSCURRENT"] },
  CreatedDate: new Date("2025-03-14T09:12:44.318Z"),
};
const secretItem = configItem("AWS::SecretsManager::Secret", SECRET_ARN, SECRET, SECRET_ARN, {
  ARN: SECRET_ARN,
  Name: SECRET,
  Description: "orders database credentials",
  KMSKeyId: KEY_ARN,
  RotationEnabled: true,
  RotationLambdaARN: ROTATION_FN,
  RotationRules: { AutomaticallyAfterDays: 30 },
  Deleted: false,
});
const secretRef = {
  type: "AWS::SecretsManager::Secret",
  id: SECRET_ARN,
  region: REGION,
  accountId: ACCT,
  arn: SECRET_ARN,
};

describe("AWS::SecretsManager::Secret", () => {
  const fromConfig = docOf(secretAdapter, secretItem);

  it("holds one document across Config (both namings) and a describe", () => {
    expect(fromConfig).toEqual({
      Name: SECRET,
      ARN: SECRET_ARN,
      Description: "orders database credentials",
      KmsKeyId: KEY_ARN,
      RotationEnabled: true,
      RotationLambdaARN: ROTATION_FN,
      RotationRules: { AutomaticallyAfterDays: 30 },
      Deleted: false,
      tags: { team: "orders" },
    });
    expectSchemaValid(secretAdapter, fromConfig);
    expect(docOf(secretAdapter, apiNaming(secretItem))).toEqual(fromConfig);
    expect(secretAdapter.fromDescribe?.({ ref: secretRef, DescribeSecret: sdkSecret })).toEqual(fromConfig);
    expect(
      secretAdapter.fromDescribe?.(JSON.parse(JSON.stringify({ ref: secretRef, DescribeSecret: sdkSecret }))),
    ).toEqual(fromConfig);
  });

  it("reads Config's schedule names and a never-rotated describe (no RotationEnabled) as rotation off", () => {
    const scheduled = docOf(secretAdapter, {
      ...secretItem,
      configuration: {
        Name: SECRET,
        RotationEnabled: true,
        RotationRules: { RotationScheduleExpression: "rate(10 days)", RotationDuration: "2h" },
        RotationOccurringAsScheduled: false,
      },
    });
    expect(scheduled).toMatchObject({
      RotationRules: { ScheduleExpression: "rate(10 days)", Duration: "2h" },
      RotationOccurringAsScheduled: false,
    });
    const never = secretAdapter.fromDescribe?.({
      ref: secretRef,
      DescribeSecret: { ARN: SECRET_ARN, Name: SECRET, DeletedDate: new Date("2026-11-01T00:00:00Z") },
    });
    expect(never).toEqual({ Name: SECRET, ARN: SECRET_ARN, RotationEnabled: false, Deleted: true, tags: {} });
  });

  it("reads rotation from the template's RotationSchedule that names the secret", () => {
    const doc = templateDoc(
      secretAdapter,
      `Resources:
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: ${SECRET}
      Description: orders database credentials
      KmsKeyId: ${KEY_ARN}
      Tags: [{ Key: team, Value: orders }]
  Rotation:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref Secret
      RotationLambdaARN: ${ROTATION_FN}
      RotationRules: { AutomaticallyAfterDays: 30 }
`,
      "Secret",
    );
    const { ARN: _a, ...deployed } = fromConfig;
    expect(doc).toEqual(deployed);
    const alone = templateDoc(
      secretAdapter,
      "Resources:\n  Secret: { Type: AWS::SecretsManager::Secret, Properties: { GenerateSecretString: {} } }\n",
      "Secret",
    );
    expect(alone.RotationEnabled).toBe(false);
    expect(alone.Name).toBeInstanceOf(UnknownValue);
  });

  it("names the secret of a CloudTrail call by the ARN it answered, else the name it was given", () => {
    const rotate = trail(
      "secretsmanager.amazonaws.com",
      "RotateSecret",
      { secretId: SECRET },
      { arn: SECRET_ARN, name: SECRET },
    );
    expect(secretAdapter.fromCloudTrail?.(rotate)).toEqual([secretRef]);
    const byName = trail("secretsmanager.amazonaws.com", "CancelRotateSecret", { secretId: SECRET }, null);
    expect(secretAdapter.fromCloudTrail?.(byName)).toEqual([
      { type: secretRef.type, id: SECRET, region: REGION, accountId: ACCT },
    ]);
    expect(secretAdapter.fromCloudTrail?.({ ...byName, eventName: "GetSecretValue" })).toEqual([]);
  });

  it("does not throw on a malformed item", () => {
    for (const configuration of [null, {}, { RotationEnabled: "on", RotationRules: "daily", Name: 5 }]) {
      const doc = docOf(secretAdapter, { ...secretItem, configuration } as JsonObject);
      expect(doc.Name).toBe(SECRET);
      expect(doc.RotationEnabled).toBe(false);
      expect(doc).not.toHaveProperty("RotationRules");
      expectSchemaValid(secretAdapter, doc);
    }
  });
});

// ---- AWS::StepFunctions::StateMachine ----------------------------------------------------------------------------

const MACHINE = "order-fulfilment";
const MACHINE_ARN = `arn:aws:states:${REGION}:${ACCT}:stateMachine:${MACHINE}`;
const MACHINE_ROLE = `arn:aws:iam::${ACCT}:role/order-fulfilment-role`;
const MACHINE_LOGS = `arn:aws:logs:${REGION}:${ACCT}:log-group:/aws/vendedlogs/states/${MACHINE}:*`;
const sdkMachine: DescribeStateMachineOutput = {
  stateMachineArn: MACHINE_ARN,
  name: MACHINE,
  status: "ACTIVE",
  definition: '{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}',
  roleArn: MACHINE_ROLE,
  type: "STANDARD",
  creationDate: new Date("2025-03-14T09:12:44.318Z"),
  loggingConfiguration: {
    level: "ERROR",
    includeExecutionData: false,
    destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: MACHINE_LOGS } }],
  },
  tracingConfiguration: { enabled: false },
};
const machineConfiguration: JsonObject = {
  Arn: MACHINE_ARN,
  StateMachineName: MACHINE,
  StateMachineType: "STANDARD",
  RoleArn: MACHINE_ROLE,
  LoggingConfiguration: {
    Level: "ERROR",
    IncludeExecutionData: false,
    Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: MACHINE_LOGS } }],
  },
  TracingConfiguration: { Enabled: false },
};
const machineItem = configItem(
  "AWS::StepFunctions::StateMachine",
  MACHINE_ARN,
  MACHINE,
  MACHINE_ARN,
  machineConfiguration,
);
const machineRef = {
  type: "AWS::StepFunctions::StateMachine",
  id: MACHINE_ARN,
  region: REGION,
  accountId: ACCT,
  arn: MACHINE_ARN,
};

describe("AWS::StepFunctions::StateMachine", () => {
  const fromConfig = docOf(machineAdapter, machineItem);

  it("holds one document across Config (both namings), a describe and a template", () => {
    expect(fromConfig).toEqual({ ...machineConfiguration, tags: { team: "orders" } });
    expectSchemaValid(machineAdapter, fromConfig);
    expect(docOf(machineAdapter, apiNaming(machineItem))).toEqual(fromConfig);
    const described = {
      ref: machineRef,
      DescribeStateMachine: sdkMachine,
      ListTagsForResource: { tags: [{ key: "team", value: "orders" }] },
    };
    expect(machineAdapter.fromDescribe?.(described)).toEqual(fromConfig);
    expect(machineAdapter.fromDescribe?.(JSON.parse(JSON.stringify(described)))).toEqual(fromConfig);
    const doc = templateDoc(
      machineAdapter,
      `Resources:
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: ${MACHINE}
      RoleArn: ${MACHINE_ROLE}
      DefinitionString: '{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}'
      LoggingConfiguration:
        Level: ERROR
        IncludeExecutionData: "false"
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: "${MACHINE_LOGS}" } }]
      Tags: [{ Key: team, Value: orders }]
`,
      "Machine",
    );
    const { Arn: _a, ...deployed } = fromConfig;
    expect(doc).toEqual(deployed);
  });

  it("fills in CloudFormation's defaults: logging OFF, tracing off, STANDARD", () => {
    const doc = templateDoc(
      machineAdapter,
      "Resources:\n  M: { Type: AWS::StepFunctions::StateMachine, Properties: { RoleArn: r, DefinitionString: '{}' } }\n",
      "M",
    );
    expect(doc).toMatchObject({
      StateMachineType: "STANDARD",
      LoggingConfiguration: { Level: "OFF" },
      TracingConfiguration: { Enabled: false },
    });
    expect(doc.StateMachineName).toBeInstanceOf(UnknownValue);
  });

  it("names the state machine of a CloudTrail call by its ARN", () => {
    const update = trail(
      "states.amazonaws.com",
      "UpdateStateMachine",
      { stateMachineArn: MACHINE_ARN },
      { updateDate: "x" },
    );
    expect(machineAdapter.fromCloudTrail?.(update)).toEqual([machineRef]);
    const create = trail(
      "states.amazonaws.com",
      "CreateStateMachine",
      { name: MACHINE },
      { stateMachineArn: MACHINE_ARN },
    );
    expect(machineAdapter.fromCloudTrail?.(create)).toEqual([machineRef]);
    expect(machineAdapter.fromCloudTrail?.({ ...update, eventName: "StartExecution" })).toEqual([]);
    expect(machineAdapter.fromCloudTrail?.({ ...update, requestParameters: { stateMachineArn: "x" } })).toEqual([]);
  });

  it("does not throw on a malformed item", () => {
    for (const configuration of [
      null,
      {},
      { LoggingConfiguration: { Level: "LOUD", Destinations: "x" }, TracingConfiguration: { Enabled: "yes" } },
    ]) {
      const doc = docOf(machineAdapter, { ...machineItem, configuration } as JsonObject);
      expect(doc.StateMachineName).toBe(MACHINE);
      expect(doc).not.toHaveProperty("LoggingConfiguration");
      expect(doc).not.toHaveProperty("TracingConfiguration");
      expectSchemaValid(machineAdapter, doc);
    }
  });
});
