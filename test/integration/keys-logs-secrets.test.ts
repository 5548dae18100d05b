import {
  CreateKeyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  DescribeKeyCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateStateMachineCommand, DescribeStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { execute } from "../../lib/remediation/executor";
import { requireAction } from "../../lib/remediation/planning/registry";
import { describeResource } from "../../lib/resources/describe";
import { described, fix, ref, verdict } from "./guardrail";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

/*
 * Keys, logs, secrets and state machines on moto: each describe, each fix, each undo. moto's EnableKeyRotation does not read back
 * RotationPeriodInDays (no fix sends one); its DescribeKey has no KeyUsage (the document leaves it out). Rotating a
 * secret needs a rotation function, which Guardrail never sets up (notify only), so only its describe runs here.
 */

jest.setTimeout(60_000);

const moto = useMoto();

describe("KMS key (moto)", () => {
  it("enables rotation and undoes it; cancels a scheduled deletion and schedules it again on undo", async () => {
    const kms = new KMSClient(moto.config());
    const created = await kms.send(
      new CreateKeyCommand({ Description: "orders data key", Tags: [{ TagKey: "team", TagValue: "orders" }] }),
    );
    const keyId = created.KeyMetadata?.KeyId as string;
    const keyRef = ref("AWS::KMS::Key", keyId);
    const before = await described(keyRef);
    expect(before.arn).toBe(`arn:aws:kms:${MOTO_REGION}:${MOTO_ACCOUNT}:key/${keyId}`);
    expect(before.tags).toEqual({ team: "orders" });
    expect(before.document).toMatchObject({
      keyId,
      keyManager: "CUSTOMER",
      keySpec: "SYMMETRIC_DEFAULT",
      origin: "AWS_KMS",
      keyState: "Enabled",
      keyRotationEnabled: false,
    });
    expect(verdict("kms-key-rotation", before)).toBe("NON_COMPLIANT");
    expect(verdict("kms-key-not-pending-deletion", before)).toBe("COMPLIANT");

    await fix("kms-key-rotation", before);
    const rotating = await described(keyRef);
    expect(verdict("kms-key-rotation", rotating)).toBe("COMPLIANT");
    expect((await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled).toBe(true);
    const undo = await execute(requireAction("kms-enable-key-rotation").restore(before, rotating, {}), {
      region: MOTO_REGION,
    });
    expect(undo.ok).toBe(true);
    expect((await described(keyRef)).document.keyRotationEnabled).toBe(false);

    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const pending = await described(keyRef);
    expect(pending.document.keyState).toBe("PendingDeletion");
    expect(verdict("kms-key-not-pending-deletion", pending)).toBe("NON_COMPLIANT");
    await fix("kms-key-not-pending-deletion", pending);
    const kept = await described(keyRef);
    expect(kept.document.keyState).toBe("Disabled");
    expect(verdict("kms-key-not-pending-deletion", kept)).toBe("COMPLIANT");
    const reschedule = await execute(requireAction("kms-cancel-key-deletion").restore(pending, kept, {}), {
      region: MOTO_REGION,
    });
    expect(reschedule.ok).toBe(true);
    const raw = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(raw.KeyMetadata?.KeyState).toBe("PendingDeletion");
    expect(await describeResource(ref("AWS::KMS::Key", "00000000-0000-4000-8000-000000000000"))).toBeUndefined();
    kms.destroy();
  });
});

describe("CloudWatch Logs log group (moto)", () => {
  it("raises a 14-day retention to 365 and puts 14 back on undo", async () => {
    const logs = new CloudWatchLogsClient(moto.config());
    const name = "/aws/lambda/orders-api";
    await logs.send(new CreateLogGroupCommand({ logGroupName: name, tags: { team: "orders" } }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: `${name}-canary` }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: 14 }));
    const groupRef = ref("AWS::Logs::LogGroup", name);
    const before = await described(groupRef);
    expect(before.document).toEqual({
      LogGroupName: name,
      Arn: `arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:${name}`,
      RetentionInDays: 14,
      tags: { team: "orders" },
    });
    expect(before.arn).toBe(`arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:${name}`);
    expect(verdict("logs-group-retention", before)).toBe("NON_COMPLIANT");
    expect(verdict("logs-group-encrypted", before)).toBe("NON_COMPLIANT");

    await fix("logs-group-retention", before);
    const after = await described(groupRef);
    expect(after.document.RetentionInDays).toBe(365);
    expect(verdict("logs-group-retention", after)).toBe("COMPLIANT");
    const undo = await execute(requireAction("logs-set-retention").restore(before, after, {}), {
      region: MOTO_REGION,
    });
    expect(undo.ok).toBe(true);
    const raw = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
    expect(raw.logGroups?.find((g) => g.logGroupName === name)?.retentionInDays).toBe(14);
    expect(await describeResource(ref("AWS::Logs::LogGroup", "/aws/lambda/gone"))).toBeUndefined();
    logs.destroy();
  });
});

describe("Secrets Manager secret (moto)", () => {
  it("describes a secret without rotation as rotation off, by ARN and by name", async () => {
    const sm = new SecretsManagerClient(moto.config());
    const created = await sm.send(
      new CreateSecretCommand({
        Name: "orders/db",
        SecretString: "not-a-real-password",
        Tags: [{ Key: "team", Value: "orders" }],
      }),
    );
    const arn = created.ARN as string;
    const byArn = await described(ref("AWS::SecretsManager::Secret", arn));
    expect(byArn.document).toEqual({
      Name: "orders/db",
      ARN: arn,
      RotationEnabled: false,
      Deleted: false,
      tags: { team: "orders" },
    });
    expect(byArn.arn).toBe(arn);
    expect(verdict("secretsmanager-rotation-enabled", byArn)).toBe("NON_COMPLIANT");
    expect(verdict("secretsmanager-rotation-90-days", byArn)).toBe("NOT_APPLICABLE");
    expect((await described(ref("AWS::SecretsManager::Secret", "orders/db"))).document).toEqual(byArn.document);
    expect(await describeResource(ref("AWS::SecretsManager::Secret", "orders/gone"))).toBeUndefined();
    sm.destroy();
  });
});

describe("Step Functions state machine (moto)", () => {
  it("turns X-Ray tracing on and off again on undo; logging off is a finding", async () => {
    const sfn = new SFNClient(moto.config());
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: "order-fulfilment",
        definition: JSON.stringify({ StartAt: "Done", States: { Done: { Type: "Succeed" } } }),
        roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/order-fulfilment-role`,
        tags: [{ key: "team", value: "orders" }],
      }),
    );
    const arn = created.stateMachineArn as string;
    const machineRef = ref("AWS::StepFunctions::StateMachine", arn);
    const before = await described(machineRef);
    expect(before.document).toEqual({
      StateMachineName: "order-fulfilment",
      Arn: arn,
      StateMachineType: "STANDARD",
      RoleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/order-fulfilment-role`,
      LoggingConfiguration: { Level: "OFF" },
      TracingConfiguration: { Enabled: false },
      tags: { team: "orders" },
    });
    expect(verdict("stepfunctions-logging", before)).toBe("NON_COMPLIANT");
    expect(verdict("stepfunctions-tracing", before)).toBe("NON_COMPLIANT");
    await fix("stepfunctions-tracing", before);
    const after = await described(machineRef);
    expect(verdict("stepfunctions-tracing", after)).toBe("COMPLIANT");
    const raw = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(raw.tracingConfiguration).toEqual({ enabled: true });
    const undo = await execute(requireAction("stepfunctions-enable-tracing").restore(before, after, {}), {
      region: MOTO_REGION,
    });
    expect(undo.ok).toBe(true);
    expect((await described(machineRef)).document).toEqual(before.document);
    expect(
      await describeResource(
        ref("AWS::StepFunctions::StateMachine", `arn:aws:states:${MOTO_REGION}:${MOTO_ACCOUNT}:stateMachine:gone`),
      ),
    ).toBeUndefined();
    sfn.destroy();
  });
});
