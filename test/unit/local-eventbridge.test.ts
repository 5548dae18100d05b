import { guardrailEventRules, LocalEventBus } from "../../lib/local/eventbridge/bus";
import { compilePattern, InvalidEventPatternError, testEventPattern } from "../../lib/local/eventbridge/pattern";
import type { JsonObject } from "../../lib/util/json";
import { recorded } from "../helpers/recorded";

/*
 * Patterns and events below are the examples of the Amazon EventBridge User Guide:
 *  - "Content filtering in Amazon EventBridge event patterns"
 *    (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html):
 *    prefix, suffix, anything-but, numeric, IP address (cidr), exists, equals-ignore-case, wildcard, $or;
 *  - "Comparison operators for use in event patterns"
 *    (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html);
 *  - "Event patterns" (eb-event-patterns.md: the EC2 state-change example; eb-event-patterns-arrays.md: arrays).
 * The CloudTrail record is the recorded one (test/fixtures/aws-recorded/eventbridge-cloudtrail-apigateway-create-stage.json)
 * in the "AWS API Call via CloudTrail" envelope (EventBridge User Guide, "AWS service events delivered via AWS
 * CloudTrail").
 */

const m = (pattern: unknown, event: unknown) => testEventPattern(pattern, event);

// eb-event-patterns.md: "Example event" (EC2 Instance State-change Notification).
const EC2_EVENT = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": " i-1234567890abcdef0", state: "terminated" },
};

describe("EventBridge patterns: the User Guide's examples", () => {
  test("exact values, AND across fields, OR within a list", () => {
    // eb-event-patterns.md: matches the example event.
    expect(m({ source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] }, EC2_EVENT)).toBe(true);
    expect(m({ source: ["aws.ec2"], detail: { state: ["running", "stopped", "terminated"] } }, EC2_EVENT)).toBe(true);
    expect(m({ source: ["aws.ec2"], detail: { state: ["running", "stopped"] } }, EC2_EVENT)).toBe(false);
    expect(m({ source: ["aws.s3"], detail: { state: ["terminated"] } }, EC2_EVENT)).toBe(false);
    // Exact: no case folding, no type coercion.
    expect(m({ detail: { state: ["Terminated"] } }, EC2_EVENT)).toBe(false);
    expect(m({ "x-limit": [123] }, { "x-limit": "123" })).toBe(false);
  });

  test("arrays in the event: any element matches (eb-event-patterns-arrays.md)", () => {
    const event = {
      resources: [
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
      ],
    };
    expect(
      m(
        {
          resources: [
            "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
          ],
        },
        event,
      ),
    ).toBe(true);
    expect(m({ resources: ["arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"] }, event)).toBe(false);
    // A nested sub-pattern must match within one element of an array of objects.
    const items = {
      detail: {
        items: [
          { a: 1, b: "x" },
          { a: 2, b: "y" },
        ],
      },
    };
    expect(m({ detail: { items: { a: [2], b: ["y"] } } }, items)).toBe(true);
    expect(m({ detail: { items: { a: [1], b: ["y"] } } }, items)).toBe(false);
  });

  test("null and empty string", () => {
    // Content filtering: "Matching null values and empty strings".
    const event = { detail: { eventVersion: "", responseElements: null } };
    expect(m({ detail: { responseElements: [null] } }, event)).toBe(true);
    expect(m({ detail: { eventVersion: [""] } }, event)).toBe(true);
    expect(m({ detail: { responseElements: [""] } }, event)).toBe(false);
  });

  test("prefix, prefix ignoring case", () => {
    // "the following event pattern would match any event where the time field started with 2017-10-02".
    expect(m({ time: [{ prefix: "2017-10-02" }] }, { time: "2017-10-02T18:43:48Z" })).toBe(true);
    expect(m({ time: [{ prefix: "2017-10-02" }] }, { time: "2017-10-03T18:43:48Z" })).toBe(false);
    const p = { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } };
    for (const service of ["EventBridge", "EVENTBRIDGE", "eventbridge"])
      expect(m(p, { detail: { service } })).toBe(true);
    expect(m(p, { detail: { service: "Lambda" } })).toBe(false);
    // Prefix matching applies to strings only.
    expect(m({ n: [{ prefix: "1" }] }, { n: 12 })).toBe(false);
  });

  test("suffix, suffix ignoring case", () => {
    expect(m({ FileName: [{ suffix: ".png" }] }, { FileName: "image.png" })).toBe(true);
    expect(m({ FileName: [{ suffix: ".png" }] }, { FileName: "image.PNG" })).toBe(false);
    const p = { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } };
    expect(m(p, { detail: { FileName: "image.PNG" } })).toBe(true);
    expect(m(p, { detail: { FileName: "image.jpg" } })).toBe(false);
  });

  test("anything-but: a value, a number, a list, prefix, suffix, equals-ignore-case, wildcard", () => {
    const state = (s: unknown) => ({ detail: { state: s } });
    expect(m({ detail: { state: [{ "anything-but": "initializing" }] } }, state("running"))).toBe(true);
    expect(m({ detail: { state: [{ "anything-but": "initializing" }] } }, state("initializing"))).toBe(false);
    expect(m({ detail: { "x-limit": [{ "anything-but": 123 }] } }, { detail: { "x-limit": 456 } })).toBe(true);
    expect(m({ detail: { "x-limit": [{ "anything-but": 123 }] } }, { detail: { "x-limit": 123 } })).toBe(false);
    const list = { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } };
    expect(m(list, state("running"))).toBe(true);
    expect(m(list, state("overloaded"))).toBe(false);
    const numbers = { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } };
    expect(m(numbers, { detail: { "x-limit": 150 } })).toBe(true);
    expect(m(numbers, { detail: { "x-limit": 200 } })).toBe(false);
    const prefix = { detail: { state: [{ "anything-but": { prefix: "init" } }] } };
    expect(m(prefix, state("running"))).toBe(true);
    expect(m(prefix, state("initializing"))).toBe(false);
    const suffix = { detail: { FileName: [{ "anything-but": { suffix: ".txt" } }] } };
    expect(m(suffix, { detail: { FileName: "notes.doc" } })).toBe(true);
    expect(m(suffix, { detail: { FileName: "notes.txt" } })).toBe(false);
    const ignoreCase = { detail: { state: [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] } }] } };
    expect(m(ignoreCase, state("STOPPED"))).toBe(false);
    expect(m(ignoreCase, state("running"))).toBe(true);
    const wildcard = { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } };
    expect(m(wildcard, { detail: { FilePath: "/usr/lib/node" } })).toBe(false);
    expect(m(wildcard, { detail: { FilePath: "/usr/bin/node" } })).toBe(true);
    // Anything-but never matches a field that is not there.
    expect(m({ detail: { state: [{ "anything-but": "initializing" }] } }, { detail: {} })).toBe(false);
  });

  test("numeric ranges", () => {
    // Content filtering, "Numeric matching": the example event matches.
    const pattern = {
      detail: {
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ numeric: ["=", 3.018e2] }],
      },
    };
    expect(m(pattern, { detail: { "c-count": 5, "d-count": 7, "x-limit": 301.8 } })).toBe(true);
    expect(m(pattern, { detail: { "c-count": 0, "d-count": 7, "x-limit": 301.8 } })).toBe(false);
    expect(m(pattern, { detail: { "c-count": 5, "d-count": 10, "x-limit": 301.8 } })).toBe(false);
    // Numeric matching is for JSON numbers; a numeric string does not match.
    expect(m(pattern, { detail: { "c-count": "5", "d-count": 7, "x-limit": 301.8 } })).toBe(false);
  });

  test("IP address (cidr)", () => {
    const p = { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } };
    expect(m(p, { detail: { sourceIPAddress: "10.0.0.255" } })).toBe(true);
    expect(m(p, { detail: { sourceIPAddress: "10.0.1.0" } })).toBe(false);
    expect(m(p, { detail: { sourceIPAddress: "AWS Internal" } })).toBe(false);
  });

  test("exists true / false, on leaves only", () => {
    // "Exists matching": {"detail": {"state": [{"exists": true}]}} matches the EC2 example event.
    expect(m({ detail: { state: [{ exists: true }] } }, EC2_EVENT)).toBe(true);
    expect(m({ detail: { state: [{ exists: false }] } }, EC2_EVENT)).toBe(false);
    expect(m({ detail: { "c-count": [{ exists: false }] } }, EC2_EVENT)).toBe(true);
    // A missing parent counts as a missing leaf.
    expect(m({ detail: { nested: { leaf: [{ exists: false }] } } }, EC2_EVENT)).toBe(true);
    // Exists matching works on leaf nodes only: an object is not a leaf.
    expect(m({ detail: [{ exists: true }] }, EC2_EVENT)).toBe(false);
  });

  test("equals-ignore-case", () => {
    const p = { detail: { name: [{ "equals-ignore-case": "alice" }] } };
    expect(m(p, { detail: { name: "Alice" } })).toBe(true);
    expect(m(p, { detail: { name: "ALICE" } })).toBe(true);
    expect(m(p, { detail: { name: "Bob" } })).toBe(false);
  });

  test("wildcard", () => {
    const p = { EventBusArn: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] };
    expect(m(p, { EventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/myEventBus" })).toBe(true);
    expect(m(p, { EventBusArn: "arn:aws:events:us-west-2:123456789012:event-bus/myEventBus" })).toBe(false);
    expect(m({ f: [{ wildcard: "dir/*.png" }] }, { f: "dir/a/b.png" })).toBe(true);
    expect(m({ f: [{ wildcard: "a\\*b" }] }, { f: "a*b" })).toBe(true);
    expect(m({ f: [{ wildcard: "a\\*b" }] }, { f: "axb" })).toBe(false);
    expect(() => compilePattern({ f: [{ wildcard: "a**b" }] })).toThrow(InvalidEventPatternError);
  });

  test("$or", () => {
    // "Complex example with $or matching".
    const p = {
      detail: {
        $or: [
          { "c-count": [{ numeric: [">", 0, "<=", 5] }] },
          { "d-count": [{ numeric: ["<", 10] }] },
          { "x-limit": [{ numeric: ["=", 3.018e2] }] },
        ],
      },
    };
    expect(m(p, { detail: { "d-count": 3 } })).toBe(true);
    expect(m(p, { detail: { "x-limit": 301.8 } })).toBe(true);
    expect(m(p, { detail: { "c-count": 9, "d-count": 11 } })).toBe(false);
    // $or at the top level, alternatives over different fields.
    const top = { source: ["aws.ec2"], $or: [{ "detail-type": ["x"] }, { detail: { state: ["terminated"] } }] };
    expect(m(top, EC2_EVENT)).toBe(true);
  });

  test("PutRule's validation: InvalidEventPatternException with the place", () => {
    expect(() => compilePattern({ source: "aws.ec2" })).toThrow(/\/source: a field's value must be a list/);
    expect(() => compilePattern({ source: [] })).toThrow(/must not be empty/);
    expect(() => compilePattern({ detail: { n: [{ numeric: ["<>", 1] }] } })).toThrow(/\/detail\/n\/0\/numeric/);
    expect(() => compilePattern({ detail: { n: [{ nope: 1 }] } })).toThrow(/unknown operator "nope"/);
    expect(() => compilePattern("{not json")).toThrow(/not JSON/);
    let error: unknown;
    try {
      compilePattern({ $or: [{ a: ["b"] }] });
    } catch (e) {
      error = e;
    }
    expect((error as Error | undefined)?.name).toBe("InvalidEventPatternException");
  });
});

describe("Guardrail's generated rules (deploy/event-rules.js) on the local bus", () => {
  const ROLE = "arn:aws:iam::012345678901:role/guardrail-remediation";
  const rules = guardrailEventRules("local", ROLE);
  const RECORD = recorded<JsonObject>("eventbridge-cloudtrail-apigateway-create-stage.json");
  const envelope = (detail: JsonObject) => ({
    version: "0",
    id: "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.apigateway",
    account: "012345678901",
    time: detail.eventTime,
    region: "us-east-1",
    resources: [],
    detail,
  });

  test("a team's UpdateStage matches the API Gateway rule; the remediation role's does not", () => {
    const bus = new LocalEventBus();
    const hits: string[] = [];
    for (const r of rules) bus.addRule(r, (_e, rule) => hits.push(rule.name));
    const team = { ...RECORD, eventName: "UpdateStage" };
    expect(bus.put(envelope(team)).map((r) => r.name)).toEqual(["guardrail-local-apigateway"]);
    const ourRole = {
      ...team,
      userIdentity: {
        ...(RECORD.userIdentity as JsonObject),
        sessionContext: { sessionIssuer: { type: "Role", arn: ROLE, accountId: "012345678901" } },
      },
    };
    expect(bus.put(envelope(ourRole))).toEqual([]);
    // Root and IAM users have no session issuer: they still match.
    const iamUser = { ...team, userIdentity: { type: "IAMUser", arn: "arn:aws:iam::012345678901:user/dev" } };
    expect(bus.put(envelope(iamUser))).toHaveLength(1);
    expect(hits).toEqual(["guardrail-local-apigateway", "guardrail-local-apigateway"]);
  });

  test("calls no policy triggers on, and read-only calls, match nothing", () => {
    const bus = new LocalEventBus();
    for (const r of rules) bus.addRule(r, () => undefined);
    expect(bus.put(envelope({ ...RECORD, eventName: "GetRestApis" }))).toEqual([]);
  });

  test("the compliance-change rule matches NON_COMPLIANT for this stage's rules only", () => {
    // Rule names are split over several rules when one pattern would pass EventBridge's 4,096 characters.
    const chunks = rules.filter((r) => r.kind === "compliance");
    expect(chunks.length).toBeGreaterThan(0);
    const compliance = { pattern: { matches: (e: object) => chunks.some((r) => r.pattern.matches(e)) } };
    const event = (configRuleName: string, complianceType: string) => ({
      version: "0",
      id: "fd3d6fd0-7a2b-4c4b-9f7e-0b0b0b0b0b0b",
      "detail-type": "Config Rules Compliance Change",
      source: "aws.config",
      account: "012345678901",
      time: "2026-11-03T12:00:00Z",
      region: "us-east-1",
      resources: [],
      detail: {
        messageType: "ComplianceChangeNotification",
        configRuleName,
        newEvaluationResult: { complianceType },
      },
    });
    expect(compliance?.pattern.matches(event("guardrail-sqs-queue-encrypted-local", "NON_COMPLIANT"))).toBe(true);
    expect(compliance?.pattern.matches(event("guardrail-sqs-queue-encrypted-local", "COMPLIANT"))).toBe(false);
    expect(compliance?.pattern.matches(event("guardrail-sqs-queue-encrypted-prod", "NON_COMPLIANT"))).toBe(false);
  });
});
