import { createRequire } from "node:module";
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { MOTO_ACCOUNT, MOTO_REGION, useMoto } from "./moto";

jest.setTimeout(30_000);

// deploy/*.js are the CommonJS modules serverless.yml loads; read them the same way (as test/deploy.test.ts does).
const requireJs = createRequire(__filename);
interface RuleSpec {
  name: string;
  kind: string;
  eventSource?: string;
  values: string[];
  pattern(roleArn: string): Record<string, unknown>;
}
const { eventRuleSpecs } = requireJs("../../deploy/event-rules.js") as {
  eventRuleSpecs(policies: unknown[], stage: string): RuleSpec[];
};
const { loadPolicies } = requireJs("../../deploy/policies.js") as { loadPolicies(): unknown[] };

const moto = useMoto();
const REMEDIATION_ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/guardrail-test-remediation`;

/** An "AWS API Call via CloudTrail" event for SetQueueAttributes, issued by the given role session (or none). */
function cloudTrailEvent(eventName: string, issuerArn: string | undefined) {
  const userIdentity = issuerArn
    ? {
        type: "AssumedRole",
        arn: `${issuerArn.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/")}/session`,
        sessionContext: { sessionIssuer: { type: "Role", arn: issuerArn, accountId: MOTO_ACCOUNT } },
      }
    : { type: "IAMUser", arn: `arn:aws:iam::${MOTO_ACCOUNT}:user/alice`, userName: "alice" };
  return {
    Source: "aws.sqs",
    DetailType: "AWS API Call via CloudTrail",
    Detail: JSON.stringify({
      eventVersion: "1.08",
      userIdentity,
      eventTime: new Date().toISOString(),
      eventSource: "sqs.amazonaws.com",
      eventName,
      awsRegion: MOTO_REGION,
      sourceIPAddress: "198.51.100.7",
      requestParameters: {
        queueUrl: `https://sqs.${MOTO_REGION}.amazonaws.com/${MOTO_ACCOUNT}/orders`,
        attributes: { SqsManagedSseEnabled: "false" },
      },
      responseElements: null,
      eventType: "AwsApiCall",
      recipientAccountId: MOTO_ACCOUNT,
    }),
  };
}

describe("EventBridge rule from deploy/event-rules.js delivers CloudTrail calls to SQS (moto)", () => {
  it("matches SQS calls by people, not by Guardrail's own remediation role", async () => {
    const events = new EventBridgeClient(moto.config());
    const sqs = new SQSClient(moto.config());

    const spec = eventRuleSpecs(loadPolicies(), "test").find((s) => s.eventSource === "sqs.amazonaws.com");
    if (!spec) throw new Error("deploy/event-rules.js generated no rule for sqs.amazonaws.com");
    expect(spec.values).toContain("SetQueueAttributes");

    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "cloudtrail-events" }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    await events.send(
      new PutRuleCommand({
        Name: spec.name,
        EventPattern: JSON.stringify(spec.pattern(REMEDIATION_ROLE)),
        State: "ENABLED",
      }),
    );
    await events.send(
      new PutTargetsCommand({ Rule: spec.name, Targets: [{ Id: "queue", Arn: Attributes?.QueueArn }] }),
    );

    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          cloudTrailEvent("SetQueueAttributes", undefined), // IAM user: no session issuer -> delivered
          cloudTrailEvent("SetQueueAttributes", `arn:aws:iam::${MOTO_ACCOUNT}:role/platform-admin`), // delivered
          cloudTrailEvent("SetQueueAttributes", REMEDIATION_ROLE), // Guardrail's own fix -> not delivered
          cloudTrailEvent("ListQueues", undefined), // no policy triggers on it -> not delivered
        ],
      }),
    );
    expect(put.FailedEntryCount ?? 0).toBe(0);

    const bodies: Record<string, unknown>[] = [];
    for (let i = 0; i < 5 && bodies.length < 2; i++) {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      for (const m of r.Messages ?? []) bodies.push(JSON.parse(m.Body as string) as Record<string, unknown>);
    }
    const extra = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect(extra.Messages ?? []).toEqual([]);

    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      // The EventBridge envelope: source, detail-type and the CloudTrail record as detail. moto 5.2.1 leaves out the
      // envelope's "account" field on delivery to an SQS target (it has id, time, version, region, resources), so the
      // envelope is not checked against Powertools' EventBridgeSchema here, which requires it.
      expect(body).toMatchObject({
        source: "aws.sqs",
        "detail-type": "AWS API Call via CloudTrail",
        region: MOTO_REGION,
        detail: { eventSource: "sqs.amazonaws.com", eventName: "SetQueueAttributes" },
      });
    }
    const issuers = bodies.map(
      (b) =>
        (b.detail as { userIdentity: { sessionContext?: { sessionIssuer?: { arn?: string } } } }).userIdentity
          .sessionContext?.sessionIssuer?.arn,
    );
    expect(issuers.sort()).toEqual([undefined, `arn:aws:iam::${MOTO_ACCOUNT}:role/platform-admin`].sort());

    events.destroy();
    sqs.destroy();
  });
});
