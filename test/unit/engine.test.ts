import { Engine, type Evaluation } from "../../lib/engine/evaluate";
import { Exemptions, EXEMPT_TAG } from "../../lib/engine/exemptions";
import { annotate, MAX_ANNOTATION, propertyPath } from "../../lib/engine/annotate";
import { createPolicyAjv } from "../../lib/policy/ajv";
import type { CompiledPolicy } from "../../lib/policy/load";
import type { PolicyFile } from "../../lib/policy/types";
import type { Resource } from "../../lib/resources/adapter";
import { recorded } from "../helpers/recorded";

const ajv = createPolicyAjv();

function compiled(p: Partial<PolicyFile> & Pick<PolicyFile, "id" | "compliant" | "subject">): CompiledPolicy {
  const policy = {
    title: "t",
    description: "d",
    rationale: "r",
    severity: "high",
    examples: { compliant: [], noncompliant: [] },
    ...p,
  } as PolicyFile;
  return {
    policy,
    file: `${p.id}.json`,
    ...(p.applies !== undefined ? { applies: ajv.compile(p.applies as object) } : {}),
    compliant: ajv.compile(p.compliant as object),
  };
}

const encrypted = compiled({
  id: "sqs-queue-encrypted",
  subject: { resourceTypes: ["AWS::SQS::Queue"] },
  compliant: { required: ["SqsManagedSseEnabled"], properties: { SqsManagedSseEnabled: { const: true } } },
});

const dlq = compiled({
  id: "sqs-queue-dead-letter",
  subject: { resourceTypes: ["AWS::SQS::Queue"] },
  applies: { properties: { QueueName: { not: { pattern: "-dlq$" } } } },
  compliant: {
    required: ["RedrivePolicy"],
    description: "the queue has no dead-letter queue (RedrivePolicy is not set)",
  },
});

function queue(name: string, doc: Record<string, unknown> = {}, tags: Record<string, string> = {}): Resource {
  return {
    type: "AWS::SQS::Queue",
    id: `https://sqs.eu-west-1.amazonaws.com/111122223333/${name}`,
    name,
    arn: `arn:aws:sqs:eu-west-1:111122223333:${name}`,
    accountId: "111122223333",
    region: "eu-west-1",
    tags,
    deleted: false,
    document: { QueueName: name, tags, ...doc },
  };
}

const byPolicy = (list: Evaluation[]) => Object.fromEntries(list.map((e) => [e.policyId, e]));

describe("Engine", () => {
  const engine = new Engine([encrypted, dlq]);

  test("judges every policy of the resource's type", () => {
    const r = byPolicy(engine.evaluate(queue("orders", { SqsManagedSseEnabled: true, RedrivePolicy: {} })));
    expect(r["sqs-queue-encrypted"]?.compliance).toBe("COMPLIANT");
    expect(r["sqs-queue-dead-letter"]?.compliance).toBe("COMPLIANT");
    expect(r["sqs-queue-encrypted"]).toMatchObject({
      resourceType: "AWS::SQS::Queue",
      accountId: "111122223333",
      region: "eu-west-1",
      severity: "high",
    });
  });

  test("applies: documents it does not select are NOT_APPLICABLE", () => {
    const r = byPolicy(engine.evaluate(queue("orders-dlq", { SqsManagedSseEnabled: true })));
    expect(r["sqs-queue-dead-letter"]?.compliance).toBe("NOT_APPLICABLE");
  });

  test("deleted resources are NOT_APPLICABLE to every policy", () => {
    const gone = { ...queue("gone"), deleted: true, document: {} };
    expect(engine.evaluate(gone).map((e) => e.compliance)).toEqual(["NOT_APPLICABLE", "NOT_APPLICABLE"]);
  });

  test("types no policy covers give no evaluation", () => {
    expect(engine.evaluate({ ...queue("x"), type: "AWS::EC2::Instance" })).toEqual([]);
    expect(engine.coversType("AWS::EC2::Instance")).toBe(false);
  });

  test("violations carry an annotation that names the failing property", () => {
    const r = byPolicy(engine.evaluate(queue("orders", { SqsManagedSseEnabled: false })));
    expect(r["sqs-queue-encrypted"]).toMatchObject({
      compliance: "NON_COMPLIANT",
      annotation: "SqsManagedSseEnabled must be true (is false)",
    });
    expect(r["sqs-queue-dead-letter"]?.annotation).toBe(
      "the queue has no dead-letter queue (RedrivePolicy is not set)",
    );
  });

  describe("exemptions", () => {
    const now = new Date("2026-11-22T12:00:00Z");

    test("a tag exempts a violating resource: EXEMPT, never silently compliant", () => {
      const e = new Engine([encrypted], new Exemptions([], now));
      const [r] = e.evaluate(queue("legacy", {}, { [EXEMPT_TAG]: "sqs-queue-dead-letter sqs-queue-encrypted" }));
      expect(r?.compliance).toBe("EXEMPT");
      expect(r?.annotation).toMatch(/^exempt \(tag\): SqsManagedSseEnabled is missing/);
    });

    test("a tag with an expiry date stops applying after that day and the result says so", () => {
      const e = new Engine([encrypted], new Exemptions([], now));
      const [expired] = e.evaluate(queue("legacy", {}, { [EXEMPT_TAG]: "sqs-queue-encrypted@2026-11-21" }));
      expect(expired?.compliance).toBe("NON_COMPLIANT");
      expect(expired?.annotation).toContain("[exemption expired 2026-11-21]");
      const [today] = e.evaluate(queue("legacy", {}, { [EXEMPT_TAG]: "sqs-queue-encrypted@2026-11-22" }));
      expect(today?.compliance).toBe("EXEMPT");
    });

    test("a tag with a malformed date does not exempt, and the result says why", () => {
      const e = new Engine([encrypted], new Exemptions([], now));
      const [r] = e.evaluate(queue("legacy", {}, { [EXEMPT_TAG]: "sqs-queue-encrypted@2027-02-30" }));
      expect(r?.compliance).toBe("NON_COMPLIANT");
      expect(r?.annotation).toContain('[exemption tag ignored: "2027-02-30" is not a date (YYYY-MM-DD)]');
    });

    test("a tag naming another policy does not exempt", () => {
      const e = new Engine([encrypted], new Exemptions([], now));
      expect(e.evaluate(queue("x", {}, { [EXEMPT_TAG]: "sqs-queue-encrypted-not" }))[0]?.compliance).toBe(
        "NON_COMPLIANT",
      );
    });

    test("a file entry with owner, justification and expiry matches by ARN glob, account and region", () => {
      const entry = {
        policy: "sqs-queue-encrypted",
        resource: "arn:aws:sqs:*:111122223333:legacy-*",
        accounts: ["111122223333"],
        owner: "payments-team@example.com",
        justification: "Vendor consumer cannot read SSE queues until Q1",
        expires: "2027-01-31",
      };
      const e = new Engine([encrypted], new Exemptions([entry], now));
      const [r] = e.evaluate(queue("legacy-feed"));
      expect(r).toMatchObject({
        compliance: "EXEMPT",
        exemption: { source: "file", owner: "payments-team@example.com", active: true },
      });
      expect(r?.annotation).toContain("by payments-team@example.com until 2027-01-31");
      expect(e.evaluate(queue("orders"))[0]?.compliance).toBe("NON_COMPLIANT");
      const other = new Engine([encrypted], new Exemptions([{ ...entry, accounts: ["444455556666"] }], now));
      expect(other.evaluate(queue("legacy-feed"))[0]?.compliance).toBe("NON_COMPLIANT");
      const expired = new Engine([encrypted], new Exemptions([{ ...entry, expires: "2026-01-31" }], now));
      expect(expired.evaluate(queue("legacy-feed"))[0]).toMatchObject({
        compliance: "NON_COMPLIANT",
        exemption: { active: false },
      });
    });

    test("compliant resources stay COMPLIANT whatever their exemptions", () => {
      const e = new Engine([encrypted], new Exemptions([], now));
      expect(
        e.evaluate(queue("x", { SqsManagedSseEnabled: true }, { [EXEMPT_TAG]: "sqs-queue-encrypted" }))[0]?.compliance,
      ).toBe("COMPLIANT");
    });
  });

  describe("CloudTrail-subject policies", () => {
    const consoleProd = compiled({
      id: "apigateway-console-prod",
      subject: { cloudtrail: true },
      applies: {
        required: ["sessionCredentialFromConsole", "requestParameters"],
        properties: {
          eventSource: { const: "apigateway.amazonaws.com" },
          sessionCredentialFromConsole: { const: "true" },
          requestParameters: {
            required: ["createStageInput"],
            properties: { createStageInput: { properties: { stageName: { pattern: "^latest$" } } } },
          },
        },
      },
      compliant: {
        properties: {
          sessionCredentialFromConsole: {
            not: { const: "true" },
            description: "production changed from a console session",
          },
        },
      },
    });
    const e = new Engine([consoleProd]);
    const record = recorded("eventbridge-cloudtrail-apigateway-create-stage.json");

    test("a matching record is a violation naming the call and the principal", () => {
      const [r] = e.evaluateRecord(record);
      expect(r).toMatchObject({
        compliance: "NON_COMPLIANT",
        resourceType: "AWS::CloudTrail::Event",
        resourceId: "62a841f9-7601-4345-9181-dd5f31ec75ab",
        accountId: "012345678901",
        region: "us-east-1",
        annotation:
          'CreateStage by arn:aws:sts::012345678901:assumed-role/c7nbot/HarishAchappa: sessionCredentialFromConsole: production changed from a console session (is "true")',
      });
    });

    test("a failed call changed nothing: NOT_APPLICABLE", () => {
      expect(e.evaluateRecord({ ...record, errorCode: "AccessDenied" })[0]?.compliance).toBe("NOT_APPLICABLE");
    });

    test("records the policy does not select are NOT_APPLICABLE", () => {
      expect(e.evaluateRecord({ ...record, sessionCredentialFromConsole: undefined })[0]?.compliance).toBe(
        "NOT_APPLICABLE",
      );
    });
  });
});

describe("annotations", () => {
  test("never exceed 256 characters (AWS Config's PutEvaluations limit)", () => {
    const long = compiled({
      id: "long",
      subject: { resourceTypes: ["AWS::SQS::Queue"] },
      compliant: { properties: { QueueName: { const: "x", description: "a long explanation ".repeat(30) } } },
    });
    const [r] = new Engine([long]).evaluate(queue("y".repeat(300)));
    expect(r?.annotation?.length).toBeLessThanOrEqual(MAX_ANNOTATION);
    expect(r?.annotation).toMatch(/\[truncated\]$/);
  });

  test("property paths read as code", () => {
    expect(propertyPath("/methodSettings/*~1*/loggingLevel")).toBe('methodSettings["*/*"].loggingLevel');
    expect(propertyPath("/Policy/Statement/0/Effect")).toBe("Policy.Statement[0].Effect");
    expect(propertyPath("", "webAclArn")).toBe("webAclArn");
    expect(annotate([])).toBe("does not satisfy the policy");
  });

  test("enum and pattern failures show the expected and the found value", () => {
    const v = ajv.compile({ properties: { securityPolicy: { enum: ["TLS_1_2"] } } });
    v({ securityPolicy: "TLS_1_0" });
    expect(annotate(v.errors)).toBe('securityPolicy must be one of "TLS_1_2" (is "TLS_1_0")');
    const w = ajv.compile({
      properties: { uri: { pattern: "^https://", description: "the backend must be reached over HTTPS" } },
    });
    w({ uri: "http://partner.example.com" });
    expect(annotate(w.errors)).toBe('uri: the backend must be reached over HTTPS (is "http://partner.example.com")');
  });
});
