import {
  CancelKeyDeletionCommand,
  DescribeKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  KMSInvalidStateException,
  ListResourceTagsCommand,
  NotFoundException,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeSecretCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import {
  DescribeStateMachineCommand,
  ListTagsForResourceCommand as ListStateMachineTagsCommand,
  SFNClient,
  StateMachineDoesNotExist,
  UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { resetClients } from "../../lib/aws/clients";
import { execute } from "../../lib/remediation/executor";
import { requireAction } from "../../lib/remediation/planning/registry";
import { PlanError, type RemediationParams } from "../../lib/remediation/types";
import type { Resource } from "../../lib/resources/adapter";
import { describeResource } from "../../lib/resources/describe";

/*
 * Keys, logs and secrets: the actions' plans and restores (pure) and the describes (exact requests, with
 * aws-sdk-client-mock). Requests: KMS API Reference EnableKeyRotation / DisableKeyRotation / CancelKeyDeletion /
 * ScheduleKeyDeletion / DescribeKey / GetKeyRotationStatus / ListResourceTags, CloudWatch Logs API Reference
 * PutRetentionPolicy / DescribeLogGroups / ListTagsForResource, Secrets Manager API Reference DescribeSecret. moto
 * runs the same calls in test/integration/keys-logs-secrets.test.ts; the paging and refused-state cases it cannot
 * show are here.
 */

const REGION = "eu-west-1";
const ACCT = "111122223333";
const KEY_ID = "6f1e2d3c-4b5a-4978-8e6d-5c4b3a291807";
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCT}:key/${KEY_ID}`;
const GROUP = "/aws/lambda/orders-api";

function key(doc: Record<string, unknown>): Resource {
  return {
    type: "AWS::KMS::Key",
    id: KEY_ID,
    accountId: ACCT,
    region: REGION,
    tags: {},
    deleted: false,
    document: {
      keyId: KEY_ID,
      arn: KEY_ARN,
      keyManager: "CUSTOMER",
      keySpec: "SYMMETRIC_DEFAULT",
      origin: "AWS_KMS",
      keyState: "Enabled",
      tags: {},
      ...doc,
    },
  };
}
function group(doc: Record<string, unknown>): Resource {
  return {
    type: "AWS::Logs::LogGroup",
    id: GROUP,
    accountId: ACCT,
    region: REGION,
    tags: {},
    deleted: false,
    document: { LogGroupName: GROUP, tags: {}, ...doc },
  };
}

const plan = (id: string, r: Resource, params: RemediationParams = {}) => requireAction(id).plan(r, params);
const restore = (id: string, before: Resource, after: Resource) => requireAction(id).restore(before, after, {});

describe("kms-enable-key-rotation", () => {
  it("enables rotation on the key's ARN, with the period when given; restore disables it", () => {
    expect(plan("kms-enable-key-rotation", key({ keyRotationEnabled: false }))).toEqual([
      { service: "kms", operation: "EnableKeyRotation", input: { KeyId: KEY_ARN } },
    ]);
    expect(
      plan("kms-enable-key-rotation", key({ keyRotationEnabled: false, arn: undefined }), {
        RotationPeriodInDays: 180,
      }),
    ).toEqual([
      { service: "kms", operation: "EnableKeyRotation", input: { KeyId: KEY_ID, RotationPeriodInDays: 180 } },
    ]);
    expect(plan("kms-enable-key-rotation", key({ keyRotationEnabled: true }))).toEqual([]);
    expect(
      restore("kms-enable-key-rotation", key({ keyRotationEnabled: false }), key({ keyRotationEnabled: true })),
    ).toEqual([{ service: "kms", operation: "DisableKeyRotation", input: { KeyId: KEY_ARN } }]);
    // Rotation that was already on, or is still off, is not turned off by undo.
    expect(
      restore("kms-enable-key-rotation", key({ keyRotationEnabled: true }), key({ keyRotationEnabled: true })),
    ).toEqual([]);
    expect(restore("kms-enable-key-rotation", key({}), key({ keyRotationEnabled: true }))).toEqual([]);
  });

  it("refuses, naming the field, a key KMS cannot rotate or bad params", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ keyManager: "AWS" }, "keyManager"],
      [{ keySpec: "RSA_2048" }, "keySpec"],
      [{ origin: "EXTERNAL" }, "origin"],
      [{ keyState: "Disabled" }, "keyState"],
      [{ keyState: undefined }, "keyState"],
    ];
    for (const [doc, field] of cases) {
      expect(() => plan("kms-enable-key-rotation", key({ keyRotationEnabled: false, ...doc }))).toThrow(PlanError);
      expect(() => plan("kms-enable-key-rotation", key({ keyRotationEnabled: false, ...doc }))).toThrow(field);
    }
    expect(() =>
      plan("kms-enable-key-rotation", key({ keyRotationEnabled: false }), { RotationPeriodInDays: 30 }),
    ).toThrow("RotationPeriodInDays");
    expect(() =>
      plan("kms-enable-key-rotation", key({ keyRotationEnabled: false, arn: undefined, keyId: undefined })),
    ).toThrow("keyId");
  });
});

describe("kms-cancel-key-deletion", () => {
  it("cancels a scheduled deletion; restore schedules it again with the longest wait", () => {
    expect(plan("kms-cancel-key-deletion", key({ keyState: "PendingDeletion" }))).toEqual([
      { service: "kms", operation: "CancelKeyDeletion", input: { KeyId: KEY_ID } },
    ]);
    expect(plan("kms-cancel-key-deletion", key({ keyState: "Enabled" }))).toEqual([]);
    expect(
      restore("kms-cancel-key-deletion", key({ keyState: "PendingDeletion" }), key({ keyState: "Disabled" })),
    ).toEqual([
      { service: "kms", operation: "ScheduleKeyDeletion", input: { KeyId: KEY_ID, PendingWindowInDays: 30 } },
    ]);
    expect(restore("kms-cancel-key-deletion", key({ keyState: "Enabled" }), key({ keyState: "Enabled" }))).toEqual([]);
  });
});

describe("logs-set-retention", () => {
  it("raises a shorter retention, leaves a never-expiring or longer one, and puts the old one back", () => {
    expect(plan("logs-set-retention", group({ RetentionInDays: 14 }), { RetentionInDays: 365 })).toEqual([
      { service: "logs", operation: "PutRetentionPolicy", input: { logGroupName: GROUP, retentionInDays: 365 } },
    ]);
    expect(plan("logs-set-retention", group({ RetentionInDays: 14 }))).toEqual([
      { service: "logs", operation: "PutRetentionPolicy", input: { logGroupName: GROUP, retentionInDays: 365 } },
    ]);
    expect(plan("logs-set-retention", group({}))).toEqual([]);
    expect(plan("logs-set-retention", group({ RetentionInDays: 731 }), { RetentionInDays: 365 })).toEqual([]);
    expect(restore("logs-set-retention", group({ RetentionInDays: 14 }), group({ RetentionInDays: 365 }))).toEqual([
      { service: "logs", operation: "PutRetentionPolicy", input: { logGroupName: GROUP, retentionInDays: 14 } },
    ]);
    expect(restore("logs-set-retention", group({}), group({}))).toEqual([]);
  });

  it("refuses a value PutRetentionPolicy does not take and a retention that is not a number", () => {
    expect(() => plan("logs-set-retention", group({ RetentionInDays: 14 }), { RetentionInDays: 17 })).toThrow(
      "RetentionInDays must be one of",
    );
    expect(() => plan("logs-set-retention", group({ RetentionInDays: "14" }))).toThrow(PlanError);
    expect(() => plan("logs-set-retention", group({ RetentionInDays: 14, LogGroupName: undefined }))).toThrow(
      "LogGroupName",
    );
  });
});

const MACHINE_ARN = `arn:aws:states:${REGION}:${ACCT}:stateMachine:order-fulfilment`;
function machine(doc: Record<string, unknown>): Resource {
  return {
    type: "AWS::StepFunctions::StateMachine",
    id: MACHINE_ARN,
    accountId: ACCT,
    region: REGION,
    tags: {},
    deleted: false,
    document: { StateMachineName: "order-fulfilment", Arn: MACHINE_ARN, tags: {}, ...doc },
  };
}

describe("stepfunctions-enable-tracing", () => {
  it("turns tracing on by ARN; restore turns it off only when the fix turned it on", () => {
    const off = machine({ TracingConfiguration: { Enabled: false } });
    const on = machine({ TracingConfiguration: { Enabled: true } });
    expect(plan("stepfunctions-enable-tracing", off)).toEqual([
      {
        service: "states",
        operation: "UpdateStateMachine",
        input: { stateMachineArn: MACHINE_ARN, tracingConfiguration: { enabled: true } },
      },
    ]);
    expect(plan("stepfunctions-enable-tracing", on)).toEqual([]);
    expect(restore("stepfunctions-enable-tracing", off, on)).toEqual([
      {
        service: "states",
        operation: "UpdateStateMachine",
        input: { stateMachineArn: MACHINE_ARN, tracingConfiguration: { enabled: false } },
      },
    ]);
    expect(restore("stepfunctions-enable-tracing", on, on)).toEqual([]);
    expect(() => plan("stepfunctions-enable-tracing", machine({ Arn: undefined }))).toThrow("Arn");
  });
});

describe("notify-only actions", () => {
  it("plan nothing", () => {
    for (const id of ["logs-kms-encryption-review", "secretsmanager-rotation-review", "stepfunctions-logging-review"]) {
      expect(requireAction(id).notifyOnly).toBe(true);
    }
    expect(plan("logs-kms-encryption-review", group({}))).toEqual([]);
  });
});

const kms = mockClient(KMSClient);
const logs = mockClient(CloudWatchLogsClient);
const secrets = mockClient(SecretsManagerClient);
const sfn = mockClient(SFNClient);
beforeEach(() => {
  sfn.reset();
  kms.reset();
  logs.reset();
  secrets.reset();
  resetClients();
});
afterAll(() => {
  sfn.restore();
  kms.restore();
  logs.restore();
  secrets.restore();
  resetClients();
});

describe("the executor sends the plans", () => {
  it("as the SDK commands of the service modules", async () => {
    kms.onAnyCommand().resolves({});
    logs.onAnyCommand().resolves({});
    sfn.onAnyCommand().resolves({});
    const calls = [
      ...plan("stepfunctions-enable-tracing", machine({})),
      ...plan("kms-enable-key-rotation", key({ keyRotationEnabled: false })),
      ...restore("kms-enable-key-rotation", key({ keyRotationEnabled: false }), key({ keyRotationEnabled: true })),
      ...plan("kms-cancel-key-deletion", key({ keyState: "PendingDeletion" })),
      ...restore("kms-cancel-key-deletion", key({ keyState: "PendingDeletion" }), key({ keyState: "Disabled" })),
      ...plan("logs-set-retention", group({ RetentionInDays: 14 })),
    ];
    const report = await execute(calls, { region: REGION });
    expect(report.ok).toBe(true);
    expect(kms).toHaveReceivedCommandWith(EnableKeyRotationCommand, { KeyId: KEY_ARN });
    expect(kms).toHaveReceivedCommandWith(DisableKeyRotationCommand, { KeyId: KEY_ARN });
    expect(kms).toHaveReceivedCommandWith(CancelKeyDeletionCommand, { KeyId: KEY_ID });
    expect(kms).toHaveReceivedCommandWith(ScheduleKeyDeletionCommand, { KeyId: KEY_ID, PendingWindowInDays: 30 });
    expect(logs).toHaveReceivedCommandWith(PutRetentionPolicyCommand, { logGroupName: GROUP, retentionInDays: 365 });
    expect(sfn).toHaveReceivedCommandWith(UpdateStateMachineCommand, {
      stateMachineArn: MACHINE_ARN,
      tracingConfiguration: { enabled: true },
    });
  });
});

describe("describes", () => {
  const keyRef = { type: "AWS::KMS::Key", id: KEY_ID, region: REGION, accountId: ACCT };

  it("reads a key, its rotation and every page of its tags; NotFoundException is gone", async () => {
    kms.on(DescribeKeyCommand).resolves({
      KeyMetadata: {
        KeyId: KEY_ID,
        Arn: KEY_ARN,
        KeyState: "Enabled",
        KeyManager: "CUSTOMER",
        KeySpec: "SYMMETRIC_DEFAULT",
        Origin: "AWS_KMS",
        Enabled: true,
      },
    });
    kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true, KeyId: KEY_ARN });
    kms
      .on(ListResourceTagsCommand, { KeyId: KEY_ID, Marker: undefined })
      .resolves({ Tags: [{ TagKey: "team", TagValue: "orders" }], Truncated: true, NextMarker: "m1" })
      .on(ListResourceTagsCommand, { KeyId: KEY_ID, Marker: "m1" })
      .resolves({ Tags: [{ TagKey: "cost-centre", TagValue: "42" }], Truncated: false });
    const r = await describeResource(keyRef);
    expect(kms).toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: KEY_ID });
    expect(kms).toHaveReceivedCommandWith(GetKeyRotationStatusCommand, { KeyId: KEY_ID });
    expect(r?.document).toMatchObject({ keyId: KEY_ID, keyRotationEnabled: true });
    expect(r?.tags).toEqual({ team: "orders", "cost-centre": "42" });
    expect(r?.arn).toBe(KEY_ARN);
    kms.on(DescribeKeyCommand).rejects(new NotFoundException({ message: "not found", $metadata: {} }));
    expect(await describeResource(keyRef)).toBeUndefined();
  });

  it("asks an AWS managed or pending-deletion key neither rotation nor (for AWS keys) tags", async () => {
    kms.on(DescribeKeyCommand).resolves({
      KeyMetadata: {
        KeyId: KEY_ID,
        Arn: KEY_ARN,
        KeyState: "Enabled",
        KeyManager: "AWS",
        KeySpec: "SYMMETRIC_DEFAULT",
        Origin: "AWS_KMS",
      },
    });
    kms.on(GetKeyRotationStatusCommand).rejects(new KMSInvalidStateException({ message: "x", $metadata: {} }));
    const aws = await describeResource(keyRef);
    expect(aws?.document).not.toHaveProperty("keyRotationEnabled");
    expect(kms).not.toHaveReceivedCommand(GetKeyRotationStatusCommand);
    expect(kms).not.toHaveReceivedCommand(ListResourceTagsCommand);
    kms.on(DescribeKeyCommand).resolves({
      KeyMetadata: {
        KeyId: KEY_ID,
        Arn: KEY_ARN,
        KeyState: "PendingDeletion",
        KeyManager: "CUSTOMER",
        KeySpec: "SYMMETRIC_DEFAULT",
        Origin: "AWS_KMS",
      },
    });
    kms.on(ListResourceTagsCommand).resolves({ Tags: [], Truncated: false });
    const pending = await describeResource(keyRef);
    expect(pending?.document).toMatchObject({ keyState: "PendingDeletion" });
    expect(kms).not.toHaveReceivedCommand(GetKeyRotationStatusCommand);
  });

  it("finds a log group by exact name among those with its prefix, and reads its tags by ARN", async () => {
    const arn = `arn:aws:logs:${REGION}:${ACCT}:log-group:${GROUP}`;
    logs.on(DescribeLogGroupsCommand).resolves({
      logGroups: [
        { logGroupName: GROUP, arn: `${arn}:*`, logGroupArn: arn, retentionInDays: 14 },
        { logGroupName: `${GROUP}-canary`, arn: `${arn}-canary:*`, logGroupArn: `${arn}-canary` },
      ],
    });
    logs.on(ListTagsForResourceCommand).resolves({ tags: { team: "orders" } });
    const ref = { type: "AWS::Logs::LogGroup", id: GROUP, region: REGION, accountId: ACCT };
    const r = await describeResource(ref);
    expect(logs).toHaveReceivedCommandWith(DescribeLogGroupsCommand, { logGroupNamePrefix: GROUP });
    expect(logs).toHaveReceivedCommandWith(ListTagsForResourceCommand, { resourceArn: arn });
    expect(r?.document).toEqual({ LogGroupName: GROUP, Arn: arn, RetentionInDays: 14, tags: { team: "orders" } });
    // By ARN (with or without `:*`) it is the same group; a prefix that matches only others is gone.
    expect((await describeResource({ ...ref, id: `${arn}:*` }))?.document).toEqual(r?.document);
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: `${GROUP}-canary` }] });
    expect(await describeResource(ref)).toBeUndefined();
  });

  it("describes a secret by ARN; ResourceNotFoundException is gone", async () => {
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCT}:secret:orders/db-a1B2c3`;
    secrets
      .on(DescribeSecretCommand)
      .resolves({ ARN: arn, Name: "orders/db", Tags: [{ Key: "team", Value: "orders" }] });
    const ref = { type: "AWS::SecretsManager::Secret", id: arn, region: REGION, accountId: ACCT };
    const r = await describeResource(ref);
    expect(secrets).toHaveReceivedCommandWith(DescribeSecretCommand, { SecretId: arn });
    expect(r?.document).toEqual({
      Name: "orders/db",
      ARN: arn,
      RotationEnabled: false,
      Deleted: false,
      tags: { team: "orders" },
    });
    expect(r?.arn).toBe(arn);
    secrets.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: "gone", $metadata: {} }));
    expect(await describeResource(ref)).toBeUndefined();
  });

  it("describes a state machine by ARN or name, without its definition; StateMachineDoesNotExist is gone", async () => {
    sfn.on(DescribeStateMachineCommand).resolves({
      stateMachineArn: MACHINE_ARN,
      name: "order-fulfilment",
      definition: "{}",
      roleArn: `arn:aws:iam::${ACCT}:role/r`,
      type: "STANDARD",
      creationDate: new Date(0),
      loggingConfiguration: { level: "OFF", includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    });
    sfn.on(ListStateMachineTagsCommand).resolves({ tags: [{ key: "team", value: "orders" }] });
    const ref = { type: "AWS::StepFunctions::StateMachine", id: "order-fulfilment", region: REGION, accountId: ACCT };
    const r = await describeResource(ref);
    expect(sfn).toHaveReceivedCommandWith(DescribeStateMachineCommand, { stateMachineArn: MACHINE_ARN });
    expect(sfn).toHaveReceivedCommandWith(ListStateMachineTagsCommand, { resourceArn: MACHINE_ARN });
    expect(r?.document).toMatchObject({
      StateMachineName: "order-fulfilment",
      LoggingConfiguration: { Level: "OFF" },
      TracingConfiguration: { Enabled: false },
      tags: { team: "orders" },
    });
    expect(JSON.stringify(r)).not.toContain("definition");
    sfn.on(DescribeStateMachineCommand).rejects(new StateMachineDoesNotExist({ message: "gone", $metadata: {} }));
    expect(await describeResource(ref)).toBeUndefined();
  });
});
