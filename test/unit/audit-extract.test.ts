import { gzipSync } from "node:zlib";
import { eachCandidate, extractRecords, isCandidate, TrailFileError } from "../../lib/audit/extract";
import { actorKind, auditEvent, isDeniedCode } from "../../lib/audit/facts";
import { idList } from "../../lib/audit/idset";
import { readTrailFile } from "../../lib/audit/read";
import { Engine } from "../../lib/engine/evaluate";
import { loadPack } from "../../lib/pack";
import { resourceAdapters } from "../../lib/resources/registry";
import { recorded as recordedPayload } from "../helpers/recorded";

/**
 * The byte-level reader against the whole-file JSON.parse it stands in for. Records: the recorded API Gateway
 * CreateStage (test/fixtures/aws-recorded/eventbridge-cloudtrail-apigateway-create-stage.json `detail`, a real
 * CloudTrail record) and variants of it; files: `{"Records":[...]}` as CloudTrail writes them (CloudTrail User
 * Guide, "CloudTrail log file examples").
 */
// The file holds the record as EventBridge's `detail` carries it (Cloud Custodian keeps the detail alone).
const fixture = recordedPayload("eventbridge-cloudtrail-apigateway-create-stage.json");
const recorded = (fixture.detail ?? fixture) as Record<string, unknown>;

function variant(over: Record<string, unknown>, drop: string[] = []): Record<string, unknown> {
  const r: Record<string, unknown> = { ...recorded, ...over };
  for (const k of drop) delete r[k];
  return r;
}

const readOnly = (id: string) =>
  variant({
    eventName: "GetStage",
    readOnly: true,
    responseElements: null,
    eventID: id,
    requestParameters: { restApiId: "abcdef74gh", stageName: "prod", template: false },
  });

function file(records: Record<string, unknown>[], pretty = false): Buffer {
  return Buffer.from(JSON.stringify({ Records: records }, null, pretty ? 2 : undefined));
}

describe("extractRecords", () => {
  const records = [
    readOnly("00000000-0000-4000-8000-000000000001"),
    recorded,
    readOnly("00000000-0000-4000-8000-000000000002"),
    variant({
      eventID: "root-read",
      readOnly: true,
      userIdentity: {
        type: "Root",
        principalId: "012345678901",
        arn: "arn:aws:iam::012345678901:root",
        accountId: "012345678901",
      },
    }),
    variant({
      eventID: "denied-read",
      readOnly: true,
      errorCode: "AccessDenied",
      errorMessage: "User is not authorized",
    }),
    variant({ eventID: "no-readonly" }, ["readOnly"]),
    // A read-only call whose parameters carry a nested readOnly:false: the top-level field decides.
    variant({ eventID: "nested", readOnly: true, requestParameters: { mount: { readOnly: false } } }),
    // Another key order (readOnly before eventID): checked record by record.
    { eventVersion: "1.11", readOnly: true, ...readOnly("reordered") },
  ];

  it("keeps the same records as a full parse, and skips plain read-only calls by eventID", () => {
    const fast = extractRecords(file(records));
    const full = extractRecords(file(records), { strict: true });
    expect(fast.fastPath).toBe(true);
    expect(full.fastPath).toBe(false);
    expect(fast.records).toBe(8);
    expect(fast.readOnlyIds).toEqual(
      idList([
        "00000000-0000-4000-8000-000000000001",
        "00000000-0000-4000-8000-000000000002",
        "denied-read",
        "nested",
        "reordered",
      ]),
    );
    expect(full.readOnlyIds).toEqual(fast.readOnlyIds);
    expect(fast.candidates).toEqual(full.candidates);
    expect(fast.candidates.every(isCandidate)).toBe(true);
    expect(fast.candidates.map((r) => r.eventID)).toEqual([recorded.eventID, "root-read", "no-readonly"]);
  });

  it("falls back to a full parse when the file is not laid out as CloudTrail writes it", () => {
    const x = extractRecords(file(records, true));
    expect(x.fastPath).toBe(false);
    expect(x.records).toBe(8);
    expect(x.candidates.map((r) => r.eventID)).toEqual([recorded.eventID, "root-read", "no-readonly"]);
  });

  it("reads an empty log file", () => {
    expect(extractRecords(Buffer.from('{"Records":[]}\n'))).toEqual({
      records: 0,
      candidates: [],
      readOnlyIds: idList([]),
      fastPath: true,
      problems: { count: 0, recordsLeftOut: 0, listed: [] },
    });
  });

  it("names a record without eventTime, on both paths, and reads the others", () => {
    const bad = [recorded, variant({ eventID: "x" }, ["eventTime"]), readOnly("00000000-0000-4000-8000-000000000003")];
    for (const x of [extractRecords(file(bad)), extractRecords(file(bad), { strict: true })]) {
      expect(x.problems).toEqual({ count: 1, recordsLeftOut: 1, listed: [{ record: 1, reason: "no eventTime" }] });
      expect(x.candidates.map((r) => r.eventID)).toEqual([recorded.eventID]);
      expect(x.readOnlyIds).toEqual(idList(["00000000-0000-4000-8000-000000000003"]));
    }
  });

  it("parses what the byte scans cannot settle: a record not starting with eventVersion, a nested eventTime, an escaped id", () => {
    const firstKeyOther = { eventID: "00000000-0000-4000-8000-00000000000a", ...readOnly("x") }; // eventID first
    firstKeyOther.eventID = "00000000-0000-4000-8000-00000000000a";
    const merged = [recorded, firstKeyOther];
    const fast = extractRecords(file(merged));
    expect(fast.records).toBe(2);
    expect(fast).toEqual(extractRecords(file(merged), { strict: true }));

    // Only a nested eventTime: the record has none of its own.
    const nested = variant({ eventID: "n", requestParameters: { filter: { eventTime: "2026-01-01T00:00:00Z" } } }, ["eventTime"]); // prettier-ignore
    expect(extractRecords(file([recorded, nested])).problems.listed).toEqual([{ record: 1, reason: "no eventTime" }]);

    // Ids JSON would unescape or decode are read by JSON.parse, so both paths see the same string.
    const ids = ['quo"te-1', "back\\slash-2", "né-3"];
    const odd = ids.map(readOnly);
    expect(extractRecords(file(odd)).readOnlyIds).toEqual(idList(ids));
    expect(extractRecords(file(odd)).readOnlyIds).toEqual(extractRecords(file(odd), { strict: true }).readOnlyIds);
  });

  it("reads a file again in full when a candidate the bytes delimited does not parse, after judging earlier ones", () => {
    // A call whose parameters carry a whole record (as a PutEvents entry could), second in an array: the byte scans
    // take `,{"eventVersion":"` for the start of a record and split the call in two; both halves look settled and
    // are left for eachCandidate, where the first half fails to parse after `recorded` was already judged.
    const inner = variant({ eventID: "00000000-0000-4000-8000-0000000000b1", readOnly: false });
    const outer = variant({ eventID: "outer", requestParameters: { entries: [{ id: 1 }, inner] } }, ["readOnly"]);
    const judged: string[] = [];
    expect(eachCandidate(file([recorded, outer]), (r) => judged.push(String(r.eventID)))).toBeUndefined();
    expect(judged).toEqual([recorded.eventID]);

    const f = { id: "f.json.gz", key: "f.json.gz", date: "2026-01-01", accountId: "012345678901", region: "us-east-1", size: 1 }; // prettier-ignore
    const opts = { engine: loadPack({}).engine, adapters: [...resourceAdapters().values()] };
    const gz = gzipSync(file([recorded, outer]));
    const facts = readTrailFile(f, gz, opts);
    expect(facts).toEqual(readTrailFile(f, gz, { ...opts, strict: true }));
    expect(facts.records).toBe(2);
    expect(facts.events.map((e) => e.eventID)).toEqual([recorded.eventID]);
    expect(facts.mutating).toEqual(idList(["outer"]));
  });

  it("rejects an empty or tiny file with the parser's message", () => {
    expect(() => extractRecords(Buffer.alloc(0))).toThrow(TrailFileError);
    expect(() => extractRecords(Buffer.from("{}"))).toThrow(/no top-level "Records"/);
  });

  it("rejects invalid JSON and a document without Records", () => {
    const text = file(records).toString();
    expect(() => extractRecords(Buffer.from(text.slice(0, text.length - 40)))).toThrow(/invalid JSON/);
    expect(() => extractRecords(Buffer.from('{"digestStartTime":"2026-01-01T00:00:00Z"}'))).toThrow(
      /no top-level "Records"/,
    );
  });

  it("names a truncated gzip file", () => {
    const gz = gzipSync(file(records));
    const f = {
      id: "f.json.gz",
      key: "f.json.gz",
      date: "2026-01-01",
      accountId: "012345678901",
      region: "us-east-1",
      size: 1,
    };
    const opts = { engine: new Engine([]), adapters: [] };
    expect(() => readTrailFile(f, gz.subarray(0, gz.length - 20), opts)).toThrow(/not a readable gzip file/);
    expect(readTrailFile(f, gz, opts).records).toBe(8);
  });
});

describe("auditEvent", () => {
  const { engine } = loadPack({});
  const adapters = [...resourceAdapters().values()];

  it("names the governed stage the recorded CreateStage changed, its console principal, and no violation (stage latest)", () => {
    const e = auditEvent(recorded, { engine, adapters });
    expect(e).toMatchObject({
      eventID: "62a841f9-7601-4345-9181-dd5f31ec75ab",
      accountId: "012345678901",
      region: "us-east-1",
      service: "apigateway",
      eventName: "CreateStage",
      principal: "arn:aws:sts::012345678901:assumed-role/c7nbot/HarishAchappa",
      actor: "console",
      mutating: true,
      denied: false,
      violations: [],
    });
    expect(e.resources).toContain(
      "AWS::ApiGateway::Stage|arn:aws:apigateway:us-east-1::/restapis/abcdef74gh/stages/latest",
    );
  });

  it("judges the same call on a prod stage a console change to production", () => {
    const prod = variant({
      requestParameters: {
        restApiId: "abcdef74gh",
        createStageInput: { deploymentId: "49ijxa", stageName: "prod" },
        template: false,
      },
    });
    expect(auditEvent(prod, { engine, adapters }).violations.map((v) => v.policyId)).toEqual([
      "apigateway-no-console-changes-in-production",
    ]);
  });

  it("classifies callers", () => {
    expect(actorKind(variant({}, ["sessionCredentialFromConsole"]))).toBe("human");
    const ci = variant({ userIdentity: { type: "AssumedRole", arn: "arn:aws:sts::012345678901:assumed-role/github-deploy/GitHubActions", sessionContext: { sessionIssuer: { type: "Role", userName: "github-deploy" } } } }, ["sessionCredentialFromConsole"]); // prettier-ignore
    expect(actorKind(ci)).toBe("ci");
    expect(actorKind(ci, /^nothing$/)).toBe("human");
    // Guardrail's own fixes, under the role CloudFormation names for serverless.yml's RemediationWorkerRole.
    const guardrail = variant({ userIdentity: { type: "AssumedRole", arn: "arn:aws:sts::012345678901:assumed-role/guardrail-prod-RemediationWorkerRole-Q1W2E3R4T5Y6/guardrail-prod-remediationWorker", sessionContext: { sessionIssuer: { type: "Role", userName: "guardrail-prod-RemediationWorkerRole-Q1W2E3R4T5Y6" } } } }, ["sessionCredentialFromConsole"]); // prettier-ignore
    expect(actorKind(guardrail)).toBe("guardrail");
    expect(actorKind(variant({ userIdentity: { type: "Root", arn: "arn:aws:iam::012345678901:root" } }))).toBe("root");
    expect(actorKind(variant({ userIdentity: { type: "AWSService", invokedBy: "config.amazonaws.com" } }))).toBe(
      "service",
    );
    expect(isDeniedCode("Client.UnauthorizedOperation")).toBe(true);
    expect(isDeniedCode("AccessDenied")).toBe(true);
    expect(isDeniedCode("ThrottlingException")).toBe(false);
  });
});
