import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { DuckDBInstance } from "@duckdb/node-api";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { generateTrail, type TrailManifest } from "../../fleet/trail";
import { auditQueries, cloudTrailTableDdl, partitionFilter, runAthenaAudit } from "../../lib/audit/athena";
import type { AuditReport } from "../../lib/audit/model";
import { runAudit } from "../../lib/audit/run";
import { loadPack } from "../../lib/pack";

/**
 * The Athena engine: the DDL, the exact queries sent through the SDK client (aws-sdk-client-mock), and, on the
 * sample trail, the same SQL text run on DuckDB over the same files agreeing with the local engine. DuckDB reads
 * the files through a view with the Athena table's column names and types (readonly as 'true'/'false' text, the
 * partition columns from the key); `json_extract_scalar` (Trino) is DuckDB's `json_extract_string`, given by a
 * macro. Everything else in the SQL is common to both dialects.
 */

describe("cloudTrailTableDdl", () => {
  const ddl = cloudTrailTableDdl({
    table: "org_trail",
    location: "s3://acme-org-trail/AWSLogs/o-a1b2c3d4e5",
    accounts: ["111122223333", "444455556666"],
    regions: ["eu-west-1", "us-east-1"],
    from: "2026-01-01",
  });

  it("projects account, region and day over the organisation layout", () => {
    expect(ddl).toMatch(/^CREATE EXTERNAL TABLE org_trail \(/);
    expect(ddl).toContain("PARTITIONED BY (account STRING, region STRING, day STRING)");
    expect(ddl).toContain("'projection.account.values' = '111122223333,444455556666'");
    expect(ddl).toContain("'projection.region.values' = 'eu-west-1,us-east-1'");
    expect(ddl).toContain("'projection.day.range' = '2026/01/01,NOW'");
    expect(ddl).toContain(
      "'storage.location.template' = 's3://acme-org-trail/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${day}'",
    );
    expect(ddl).toContain("STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'");
  });

  it("refuses what would make a broken table", () => {
    const base = {
      table: "t",
      location: "s3://b/AWSLogs",
      accounts: ["111122223333"],
      regions: ["eu-west-1"],
      from: "2026-01-01",
    };
    expect(() => cloudTrailTableDdl({ ...base, location: "s3://b/logs" })).toThrow(/AWSLogs/);
    expect(() => cloudTrailTableDdl({ ...base, table: "Drop table;" })).toThrow(/table/);
    expect(() => cloudTrailTableDdl({ ...base, accounts: ["1234"] })).toThrow(/12-digit/);
    expect(partitionFilter({ from: "2026-01-02", accounts: ["111122223333"] })).toBe(
      "TRUE AND day >= '2026/01/02' AND account IN ('111122223333')",
    );
  });
});

describe("runAthenaAudit through the SDK", () => {
  const athena = mockClient(AthenaClient);
  afterEach(() => athena.reset());

  it("sends exactly the report's queries, polls until done and reads every result page", async () => {
    const filters = { from: "2026-03-01", to: "2026-03-31", regions: ["eu-west-1"] };
    const q = auditQueries("org_trail", filters);
    let n = 0;
    athena.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `q${++n}` }));
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: "RUNNING" } } })
      .resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    const cell = (v: string) => ({ VarCharValue: v });
    athena.on(GetQueryResultsCommand, { QueryExecutionId: "q1" }).resolves({
      ResultSet: { Rows: [{ Data: ["records", "mutating", "first_event_time", "last_event_time"].map(cell) }, { Data: ["120", "17", "2026-03-01T00:00:01Z", "2026-03-02T23:00:00Z"].map(cell) }] },
    }); // prettier-ignore
    athena.on(GetQueryResultsCommand, { QueryExecutionId: "q2" }).resolves({
      ResultSet: { Rows: [{ Data: ["account", "service", "day", "calls"].map(cell) }, { Data: ["111122223333", "sqs.amazonaws.com", "2026-03-01", "5"].map(cell) }] },
      NextToken: "page-2",
    }); // prettier-ignore
    athena.on(GetQueryResultsCommand, { QueryExecutionId: "q2", NextToken: "page-2" }).resolves({
      ResultSet: { Rows: [{ Data: ["111122223333", "sns.amazonaws.com", "2026-03-02", "7"].map(cell) }] },
    });
    athena.on(GetQueryResultsCommand, { QueryExecutionId: "q3" }).resolves({
      ResultSet: { Rows: [{ Data: ["errorcode", "calls"].map(cell) }, { Data: ["AccessDenied", "3"].map(cell) }] },
    });
    athena.on(GetQueryResultsCommand, { QueryExecutionId: "q4" }).resolves({
      ResultSet: {
        Rows: [{ Data: ["policy", "violations"].map(cell) }, { Data: ["iam-root-account-use", "2"].map(cell) }],
      },
    });

    const client = new AthenaClient({ region: "eu-west-1" });
    const out = await runAthenaAudit(client, "org_trail", filters, {
      database: "security",
      workgroup: "audit",
      pollMs: 0,
    });

    const sent = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    expect(sent).toEqual(
      [q.coverage, q.mutatingByAccountServiceDay, q.denied, q.policyViolations].map((QueryString) => ({
        QueryString,
        QueryExecutionContext: { Database: "security" },
        WorkGroup: "audit",
      })),
    );
    expect(q.coverage).toContain(
      "WHERE TRUE AND day >= '2026/03/01' AND day <= '2026/03/31' AND region IN ('eu-west-1')",
    );
    expect(athena).toHaveReceivedCommandTimes(GetQueryExecutionCommand, 5);
    expect(out).toEqual({
      coverage: {
        records: 120,
        mutating: 17,
        firstEventTime: "2026-03-01T00:00:01Z",
        lastEventTime: "2026-03-02T23:00:00Z",
      },
      mutating: [
        { account: "111122223333", service: "sqs.amazonaws.com", day: "2026-03-01", calls: 5 },
        { account: "111122223333", service: "sns.amazonaws.com", day: "2026-03-02", calls: 7 },
      ],
      denied: [{ errorCode: "AccessDenied", calls: 3 }],
      policyViolations: { "iam-root-account-use": 2 },
    });
  });

  it("fails with Athena's reason", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "bad" });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: { State: "FAILED", StateChangeReason: "TABLE_NOT_FOUND: line 1:1: Table org_trail does not exist" },
      },
    });
    await expect(
      runAthenaAudit(
        new AthenaClient({ region: "eu-west-1" }),
        "org_trail",
        {},
        { database: "d", workgroup: "w", pollMs: 0 },
      ),
    ).rejects.toThrow("Athena query bad FAILED: TABLE_NOT_FOUND");
  });
});

describe("the Athena SQL on DuckDB over the sample trail", () => {
  let dir: string;
  let trail: TrailManifest;
  let local: AuditReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "guardrail-audit-athena-"));
    trail = await generateTrail({
      seed: 13,
      outDir: dir,
      days: 3,
      recordsPerDay: 300,
      recordsPerFile: 100,
      records: false,
    });
    const spec = {};
    local = await runAudit({ trail: dir, filters: {}, pack: spec, engine: loadPack(spec).engine });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("computes the local engine's figures", async () => {
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    const fields =
      "STRUCT(eventID VARCHAR, eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, readOnly BOOLEAN, " +
      "errorCode VARCHAR, eventType VARCHAR, recipientAccountId VARCHAR, sessionCredentialFromConsole VARCHAR, " +
      "requestParameters JSON, userIdentity STRUCT(type VARCHAR, invokedBy VARCHAR))[]";
    await conn.run("CREATE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)");
    await conn.run(`CREATE VIEW org_trail AS
      SELECT r.eventID AS eventid, r.eventTime AS eventtime, r.eventSource AS eventsource, r.eventName AS eventname,
             lower(CAST(r.readOnly AS VARCHAR)) AS readonly, r.errorCode AS errorcode, r.eventType AS eventtype,
             r.recipientAccountId AS recipientaccountid, r.sessionCredentialFromConsole AS sessioncredentialfromconsole,
             CAST(r.requestParameters AS VARCHAR) AS requestparameters,
             {'type': r.userIdentity.type, 'invokedby': r.userIdentity.invokedBy} AS useridentity,
             regexp_extract(filename, 'AWSLogs/o-[a-z0-9]+/([0-9]{12})/CloudTrail/', 1) AS account,
             regexp_extract(filename, '/CloudTrail/([a-z0-9-]+)/', 1) AS region,
             regexp_extract(filename, '/CloudTrail/[a-z0-9-]+/([0-9]{4}/[0-9]{2}/[0-9]{2})/', 1) AS day
      FROM (SELECT unnest(Records) AS r, filename
            FROM read_json('${dir}/AWSLogs/*/*/CloudTrail/*/*/*/*/*.json.gz', format = 'unstructured', columns = {Records: '${fields}'}, filename = true))`);
    const q = auditQueries("org_trail", {});
    const rows = async (sql: string) =>
      (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    const [coverage] = await rows(q.coverage);
    expect(Number(coverage?.records)).toBe(local.coverage.records);
    expect(Number(coverage?.mutating)).toBe(local.coverage.mutating);
    expect(Number(coverage?.records)).toBe(trail.truth.records);

    const violations = Object.fromEntries(
      (await rows(q.policyViolations)).map((r) => [r.policy, Number(r.violations)]),
    );
    const want = Object.fromEntries(local.policyViolations.byPolicy.map((c) => [c.key, c.count]));
    for (const id of Object.keys(violations)) expect([id, violations[id]]).toEqual([id, want[id] ?? 0]);

    // Every mutating record either succeeded (counted by account, service and day) or failed; denied are failures.
    const mutatingOk = (await rows(q.mutatingByAccountServiceDay)).reduce((n, r) => n + Number(r.calls), 0);
    const denied = (await rows(q.denied)).reduce((n, r) => n + Number(r.calls), 0);
    expect(mutatingOk + denied).toBe(local.coverage.mutating);
    // A partition filter is read from the key: one account, one day.
    const account = trail.accounts[0]?.id as string;
    const one = auditQueries("org_trail", {
      accounts: [account],
      from: trail.truth.firstDate,
      to: trail.truth.firstDate,
    });
    const localOne = await runAudit({ trail: dir, filters: { accounts: [account], from: trail.truth.firstDate, to: trail.truth.firstDate }, pack: {}, engine: loadPack({}).engine }); // prettier-ignore
    expect(Number((await rows(one.coverage))[0]?.records)).toBe(localOne.coverage.records);
    conn.closeSync();
    db.closeSync();
  }, 60_000);
});
