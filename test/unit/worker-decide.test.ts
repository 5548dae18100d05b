import {
  canonicalJson,
  documentHash,
  effectiveMode,
  graceDecision,
  fixSubject,
  idempotencyKey,
  minuteWindow,
  parseRecordId,
  recordIdFor,
  recordKey,
  windowStart,
  type GraceInput,
} from "../../lib/remediation/worker/decide";
import { MessageError, parseWorkerMessage } from "../../lib/remediation/worker/message";
import { snsSubject } from "../../lib/remediation/worker/outcome";
import { SettingsError, workerSettings } from "../../lib/remediation/worker/settings";
import { snsEnvelope } from "./worker-fakes";

/* The worker's pure decisions (lib/remediation/worker/decide.ts) and message parsing, without AWS. */

const ref = {
  type: "AWS::SQS::Queue",
  id: "https://sqs.eu-west-1.amazonaws.com/111122223333/orders",
  region: "eu-west-1",
  accountId: "111122223333",
};

describe("effectiveMode", () => {
  it("runs the request's mode, but only notifies for policies without a fix", () => {
    expect(effectiveMode("auto", { mode: "approve" }, {})).toBe("auto");
    expect(effectiveMode("approve", { mode: "auto" }, {})).toBe("approve");
    expect(effectiveMode("auto", { mode: "auto" }, { notifyOnly: true })).toBe("notify");
    expect(effectiveMode("auto", undefined, undefined)).toBe("notify");
  });
});

describe("graceDecision", () => {
  const settings = { graceMinutes: 10, graceMaxMinutes: 60, gracePollSeconds: 300, graceMaxReceives: 4 };
  const base: GraceInput = {
    tags: { "aws:cloudformation:stack-name": "orders-prod" },
    detectedAt: "2026-11-02T09:20:00.000Z",
    now: new Date("2026-11-02T09:22:00.000Z"),
    receiveCount: 1,
    settings,
  };

  it("does not wait for resources outside CloudFormation", () => {
    expect(graceDecision({ ...base, tags: { team: "orders" } })).toEqual({ defer: false });
  });

  it("by tag and age: waits until the request is graceMinutes old", () => {
    expect(graceDecision(base)).toMatchObject({ defer: true, delaySeconds: 480, stackName: "orders-prod" });
    expect(graceDecision({ ...base, now: new Date("2026-11-02T09:30:00.000Z") })).toEqual({
      defer: false,
      stackName: "orders-prod",
    });
  });

  it("with the stack's status: waits only while it is in progress, polling, at most graceMaxMinutes", () => {
    expect(graceDecision({ ...base, stackStatus: "UPDATE_COMPLETE" })).toMatchObject({ defer: false });
    expect(graceDecision({ ...base, stackStatus: "UPDATE_IN_PROGRESS" })).toMatchObject({
      defer: true,
      delaySeconds: 300,
      reason: "stack orders-prod is UPDATE_IN_PROGRESS",
    });
    const late = { ...base, stackStatus: "CREATE_IN_PROGRESS", now: new Date("2026-11-02T10:18:00.000Z") };
    expect(graceDecision(late)).toMatchObject({ defer: true, delaySeconds: 120 });
    expect(graceDecision({ ...late, now: new Date("2026-11-02T10:21:00.000Z") })).toMatchObject({ defer: false });
  });

  it("stops deferring after graceMaxReceives receives, so the message never reaches the DLQ by waiting", () => {
    expect(graceDecision({ ...base, receiveCount: 5 })).toMatchObject({
      defer: false,
      reason: "grace period over after 4 deferrals",
    });
  });
});

describe("idempotency keys and record ids", () => {
  it("hashes documents independently of key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(documentHash({ a: 1, b: 2 })).toBe(documentHash({ b: 2, a: 1 }));
    expect(documentHash({ a: 1 })).not.toBe(documentHash({ a: 2 }));
    expect(documentHash(undefined)).toBe("gone");
  });

  it("keys by policy, resource, state, mode and fix count (and the approval a release names)", () => {
    const base = { policyId: "p", resource: ref, documentHash: "h", mode: "auto" as const };
    const k = idempotencyKey({ ...base, fixGeneration: 0 });
    expect(k).toBe(`p|111122223333|eu-west-1|AWS::SQS::Queue|${ref.id}|h|auto|fixes:0`);
    expect(idempotencyKey({ ...base, fixGeneration: 0, releaseOf: "r" })).toBe(`${k}|release:r`);
    // The same document after one verified fix (the violation was put back) is a new state.
    expect(idempotencyKey({ ...base, fixGeneration: 1 })).not.toBe(k);
    expect(fixSubject("p", ref)).toBe(fixSubject("p", { ...ref }));
    expect(fixSubject("p", ref)).not.toBe(fixSubject("q", ref));
  });

  it("record ids name their S3 key", () => {
    const id = recordIdFor({
      startedAt: new Date("2026-11-02T23:59:59.000Z"),
      resource: ref,
      idempotencyKey: "k",
      correlationId: "c",
      receiveCount: 1,
    });
    expect(id).toMatch(/^2026-11-02_111122223333_eu-west-1_[0-9a-f]{16}$/);
    expect(
      recordIdFor({
        startedAt: new Date("2026-11-02T00:00:00Z"),
        resource: ref,
        idempotencyKey: "k",
        correlationId: "c",
        receiveCount: 2,
      }),
    ).not.toBe(id);
    expect(parseRecordId(id)).toEqual({ date: "2026-11-02", accountId: "111122223333", region: "eu-west-1" });
    expect(recordKey(id)).toBe(`records/account=111122223333/region=eu-west-1/date=2026-11-02/${id}.json`);
    expect(parseRecordId("../../etc/passwd")).toBeUndefined();
    expect(() => recordKey("x")).toThrow(/not a remediation record id/);
  });

  it("rate-limit and breaker windows", () => {
    expect(minuteWindow(new Date("2026-11-02T09:20:45.500Z"))).toEqual({ id: "2026-11-02T09:20", secondsLeft: 14.5 });
    expect(windowStart(new Date("2026-11-02T09:20:45Z"), 15)).toBe(Date.parse("2026-11-02T09:15:00Z") / 1000);
  });
});

describe("parseWorkerMessage", () => {
  it("recognises releases and ignores Guardrail's own notifications", () => {
    const release = {
      type: "guardrail.remediation.approval-release",
      version: 1,
      approvalRecordId: "2026-11-02_111122223333_eu-west-1_0123456789abcdef",
      approvedBy: "alice",
      approvedAt: "2026-11-02T10:00:00.000Z",
      correlationId: "c",
    };
    expect(parseWorkerMessage(snsEnvelope(release, "s1"))).toMatchObject({ kind: "release", release });
    expect(parseWorkerMessage(snsEnvelope({ type: "guardrail.detection.alert" }, "s2"))).toMatchObject({
      kind: "ignored",
    });
    expect(() => parseWorkerMessage(snsEnvelope({ ...release, approvalRecordId: "../x" }, "s3"))).toThrow(
      /approvalRecordId: not a Guardrail remediation record id/,
    );
  });

  it("names what is wrong with a body", () => {
    expect(() => parseWorkerMessage("{")).toThrow(MessageError);
    expect(() => parseWorkerMessage(JSON.stringify({ Type: "SubscriptionConfirmation" }))).toThrow(
      /not an SNS notification envelope/,
    );
    expect(() => parseWorkerMessage(snsEnvelope({ version: 2 }, "s4"))).toThrow(/remediation request s4 is invalid/);
  });
});

describe("settings and subjects", () => {
  it("requires the bucket, topic and table, and checks numbers", () => {
    expect(() => workerSettings({})).toThrow(SettingsError);
    const env = { AUDIT_BUCKET: "b", REMEDIATION_TOPIC_ARN: "t", IDEMPOTENCY_TABLE: "d" };
    expect(workerSettings(env)).toMatchObject({
      fixesPerMinute: 10,
      verifyDelaysSeconds: [0, 5, 20],
      eventBus: "default",
    });
    expect(() => workerSettings({ ...env, GUARDRAIL_FIXES_PER_MINUTE: "lots" })).toThrow(/positive number/);
    expect(() => workerSettings({ ...env, GUARDRAIL_VERIFY_DELAYS_SECONDS: "0,x" })).toThrow(/seconds/);
  });

  it("keeps SNS subjects ASCII, on one line, under 100 characters", () => {
    expect(snsSubject("fixed: ünïcode\nline")).toBe("fixed: ?n?code?line");
    expect(snsSubject("x".repeat(150))).toHaveLength(99);
  });
});
