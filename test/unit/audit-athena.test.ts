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
import {
  auditFromRows,
  auditQueries,
  CLOUDTRAIL_STRUCTS,
  cloudTrailTableDdl,
  decodeStruct,
  fieldName,
  partitionFilter,
  recordFromRow,
  runAthenaAudit,
  type Field,
  type Row,
} from "../../lib/audit/athena";
import { loadRemediationRecords } from "../../lib/audit/records";
import { runAudit } from "../../lib/audit/run";
import { loadPack } from "../../lib/pack";
import { resourceAdapters } from "../../lib/resources/registry";
import type { JsonObject } from "../../lib/util/json";
import { recorded as recordedPayload } from "../helpers/recorded";

/**
 * The Athena engine: the DDL, the exact queries sent through the SDK client (aws-sdk-client-mock), the result rows
 * rebuilt into CloudTrail records, and, on the sample trail, the same SQL text run on DuckDB over the same files
 * giving the local engine's report. DuckDB reads the files through a view with the Athena table's column names and
 * types (readonly as 'true'/'false' text, structs with lowercase field names, the partition columns and `$path`
 * from the key); Trino's `json_format` is given to DuckDB as a macro. Everything else is common to both dialects.
 */
const { engine } = loadPack({});
const adapters = [...resourceAdapters().values()];
// A real CloudTrail record: test/fixtures/aws-recorded/eventbridge-cloudtrail-apigateway-create-stage.json `detail`.
const fixture = recordedPayload("eventbridge-cloudtrail-apigateway-create-stage.json");
const createStage = (fixture.detail ?? fixture) as JsonObject;

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

/** What Athena returns for a record: every column as text, structs as JSON with lowercase names, in field order. */
function athenaRow(r: JsonObject, partition: { account: string; region: string; day: string }): Row {
  const lower = (v: unknown, fields: readonly Field[]): unknown => {
    if (!v || typeof v !== "object") return null;
    const o = v as JsonObject;
    return Object.fromEntries(
      fields.map((f) => {
        const name = fieldName(f);
        const x = o[name];
        return [name.toLowerCase(), typeof f === "string" || "map" in f ? (x ?? null) : lower(x, f.fields)];
      }),
    );
  };
  const text = (v: unknown) => (v === undefined || v === null ? null : typeof v === "string" ? v : JSON.stringify(v));
  return {
    ...partition,
    eventversion: text(r.eventVersion),
    useridentity: text(lower(r.userIdentity, CLOUDTRAIL_STRUCTS.userIdentity)),
    eventtime: text(r.eventTime),
    eventsource: text(r.eventSource),
    eventname: text(r.eventName),
    awsregion: text(r.awsRegion),
    sourceipaddress: text(r.sourceIPAddress),
    useragent: text(r.userAgent),
    errorcode: text(r.errorCode),
    errormessage: text(r.errorMessage),
    requestparameters: text(r.requestParameters),
    responseelements: text(r.responseElements),
    additionaleventdata: text(r.additionalEventData),
    requestid: text(r.requestID),
    eventid: text(r.eventID),
    readonly: r.readOnly === undefined ? null : String(r.readOnly),
    resources: Array.isArray(r.resources) ? text(r.resources.map((x) => lower(x, CLOUDTRAIL_STRUCTS.resources))) : null,
    eventtype: text(r.eventType),
    apiversion: text(r.apiVersion),
    recipientaccountid: text(r.recipientAccountId),
    serviceeventdetails: text(r.serviceEventDetails),
    sharedeventid: text(r.sharedEventID),
    vpcendpointid: text(r.vpcEndpointId),
    eventcategory: text(r.eventCategory),
    sessioncredentialfromconsole: text(r.sessionCredentialFromConsole),
    tlsdetails: text(lower(r.tlsDetails, CLOUDTRAIL_STRUCTS.tlsDetails)),
    managementevent: r.managementEvent === undefined ? null : String(r.managementEvent),
    vpcendpointaccountid: text(r.vpcEndpointAccountId),
    addendum: text(r.addendum),
    edgedevicedetails: text(r.edgeDeviceDetails),
  };
}

describe("recordFromRow", () => {
  it("rebuilds the CloudTrail record from Athena's columns", () => {
    const row = athenaRow(createStage, { account: "012345678901", region: "us-east-1", day: "2026/03/01" });
    expect(recordFromRow(row)).toEqual(createStage);
  });

  it("reads a struct written as an object or, by older engines, as an array in field order", () => {
    const fields = CLOUDTRAIL_STRUCTS.tlsDetails;
    const want = { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: "apigateway.us-east-1.amazonaws.com" }; // prettier-ignore
    expect(decodeStruct(["TLSv1.3", "TLS_AES_128_GCM_SHA256", "apigateway.us-east-1.amazonaws.com"], fields)).toEqual(want); // prettier-ignore
    expect(decodeStruct({ tlsversion: "TLSv1.3", ciphersuite: "TLS_AES_128_GCM_SHA256", clientprovidedhostheader: "apigateway.us-east-1.amazonaws.com" }, fields)).toEqual(want); // prettier-ignore
    expect(decodeStruct({ type: "Root", principalid: null, sessioncontext: null }, CLOUDTRAIL_STRUCTS.userIdentity)).toEqual({ type: "Root" }); // prettier-ignore
    expect(() => recordFromRow({ requestparameters: "{not json" })).toThrow(/requestParameters: not JSON/);
  });
});

describe("runAthenaAudit through the SDK", () => {
  const athena = mockClient(AthenaClient);
  afterEach(() => athena.reset());

  it("sends exactly the report's queries, polls until done, reads every result page and judges the candidates", async () => {
    const filters = { from: "2026-03-01", to: "2026-03-31", regions: ["us-east-1"] };
    const q = auditQueries("org_trail", filters);
    let n = 0;
    athena.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `q${++n}` }));
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: "RUNNING" } } })
      .resolves({ QueryExecution: { Status: { State: "SUCCEEDED" }, Statistics: { DataScannedInBytes: 1000 } } });
    const cell = (v: string | null) => (v === null ? {} : { VarCharValue: v });
    const table = (rows: Row[]) => [
      { Data: Object.keys(rows[0] ?? {}).map(cell) },
      ...rows.map((r) => ({ Data: Object.values(r).map(cell) })),
    ];
    athena.on(GetQueryResultsCommand, { QueryExecutionId: "q1" }).resolves({
      ResultSet: {
        Rows: table([
          { total: "0", account: "012345678901", region: "us-east-1", first_day: "2026/03/01", last_day: "2026/03/02", files: "12", deliveries: "121", records: "120", mutating: "17" }, // prettier-ignore
          { total: "3", account: null, region: null, first_day: "2026/03/01", last_day: "2026/03/02", files: "12", deliveries: "121", records: "120", mutating: "17" }, // prettier-ignore
        ]),
      },
    });
    // The recorded CreateStage on a prod stage from the console: a console change to production.
    const prod = { ...createStage, eventID: "6b7f1a9e-2c1d-4e8f-9a3b-5c6d7e8f9a0b", requestParameters: { restApiId: "abcdef74gh", createStageInput: { deploymentId: "49ijxa", stageName: "prod" }, template: false } }; // prettier-ignore
    const partition = { account: "012345678901", region: "us-east-1", day: "2026/03/01" };
    const rows = table([athenaRow(createStage, partition)]);
    athena.on(GetQueryResultsCommand, { QueryExecutionId: "q2" }).resolves({ ResultSet: { Rows: rows }, NextToken: "page-2" }); // prettier-ignore
    athena.on(GetQueryResultsCommand, { QueryExecutionId: "q2", NextToken: "page-2" }).resolves({
      ResultSet: { Rows: table([athenaRow(prod, partition), athenaRow(prod, partition)]).slice(1) }, // a duplicate delivery
    });

    const report = await runAthenaAudit({
      client: new AthenaClient({ region: "us-east-1" }),
      table: "org_trail",
      target: { database: "security", workgroup: "audit", pollMs: 0 },
      filters,
      engine,
      adapters,
      remediationRecords: [],
      version: "test",
      now: new Date("2026-04-01T00:00:00Z"),
    });

    const sent = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    expect(sent).toEqual(
      [q.coverage, q.candidates].map((QueryString) => ({
        QueryString,
        QueryExecutionContext: { Database: "security" },
        WorkGroup: "audit",
      })),
    );
    expect(q.candidates).toContain(
      "WHERE TRUE AND day >= '2026/03/01' AND day <= '2026/03/31' AND region IN ('us-east-1') AND (coalesce(readonly, '') <> 'true' OR useridentity.type = 'Root')",
    );
    expect(q.candidates).toContain("json_format(CAST(useridentity AS JSON)) AS useridentity");
    expect(q.coverage).toContain("GROUP BY GROUPING SETS ((account, region), ())");
    expect(athena).toHaveReceivedCommandTimes(GetQueryExecutionCommand, 3);
    expect(athena).toHaveReceivedCommandWith(GetQueryResultsCommand, { QueryExecutionId: "q2", MaxResults: 1000, NextToken: "page-2" }); // prettier-ignore
    expect(report.coverage).toMatchObject({
      engine: "athena",
      files: 12,
      records: 120,
      mutating: 17,
      duplicates: 1,
      bytes: 2000,
      accounts: ["012345678901"],
      regions: ["us-east-1"],
      firstDate: "2026-03-01",
      lastDate: "2026-03-02",
    });
    // Two distinct changes to governed stages; the duplicate delivery is counted once.
    expect(report.changes.total).toBe(2);
    expect(report.policyViolations.byPolicy).toEqual([
      { key: "apigateway-no-console-changes-in-production", count: 1 },
    ]);
    expect(report.policyViolations.rows[0]).toMatchObject({ eventID: prod.eventID, principal: "arn:aws:sts::012345678901:assumed-role/c7nbot/HarishAchappa" }); // prettier-ignore
  });

  it("fails with Athena's reason", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "bad" });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: { State: "FAILED", StateChangeReason: "TABLE_NOT_FOUND: line 1:1: Table org_trail does not exist" },
      },
    });
    await expect(
      runAthenaAudit({
        client: new AthenaClient({ region: "eu-west-1" }),
        table: "org_trail",
        target: { database: "d", workgroup: "w", pollMs: 0 },
        filters: {},
        engine,
        adapters,
        remediationRecords: [],
        version: "test",
        now: new Date(),
      }),
    ).rejects.toThrow("Athena query bad FAILED: TABLE_NOT_FOUND");
  });
});

/** A DuckDB STRUCT type for CloudTrail's camelCase fields (what read_json reads). */
function duckType(fields: readonly Field[]): string {
  return `STRUCT(${fields.map((f) => `"${fieldName(f)}" ${typeof f === "string" ? "VARCHAR" : "map" in f ? "JSON" : duckType(f.fields)}`).join(", ")})`; // prettier-ignore
}

/** The Athena column from CloudTrail's struct: the same fields with lowercase names. */
function duckLower(expr: string, fields: readonly Field[]): string {
  const parts = fields.map((f) => {
    const name = fieldName(f);
    const inner = `${expr}."${name}"`;
    return `'${name.toLowerCase()}': ${typeof f === "string" || "map" in f ? inner : duckLower(inner, f.fields)}`;
  });
  return `CASE WHEN ${expr} IS NULL THEN NULL ELSE {${parts.join(", ")}} END`;
}

describe("the Athena SQL on DuckDB over the sample trail", () => {
  let dir: string;
  let trail: TrailManifest;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "guardrail-audit-athena-"));
    trail = await generateTrail({ seed: 13, outDir: dir, days: 3, recordsPerDay: 300, recordsPerFile: 100 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives the local engine's report", async () => {
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    const { userIdentity, resources, tlsDetails } = CLOUDTRAIL_STRUCTS;
    const strings = ["eventVersion", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestID", "eventID", "eventType", "apiVersion", "recipientAccountId", "sharedEventID", "vpcEndpointId", "eventCategory", "sessionCredentialFromConsole", "vpcEndpointAccountId"]; // prettier-ignore
    const json = ["requestParameters", "responseElements", "additionalEventData", "serviceEventDetails", "addendum", "edgeDeviceDetails"]; // prettier-ignore
    const fields = [
      ...strings.map((n) => `"${n}" VARCHAR`),
      ...json.map((n) => `"${n}" JSON`),
      `"readOnly" BOOLEAN`,
      `"managementEvent" BOOLEAN`,
      `"userIdentity" ${duckType(userIdentity)}`,
      `"resources" ${duckType(resources)}[]`,
      `"tlsDetails" ${duckType(tlsDetails)}`,
    ];
    await conn.run("CREATE MACRO json_format(j) AS CAST(j AS VARCHAR)");
    await conn.run(`CREATE VIEW org_trail AS
      SELECT ${strings.map((n) => `r."${n}" AS ${n.toLowerCase()}`).join(", ")},
             ${json.map((n) => `CAST(r."${n}" AS VARCHAR) AS ${n.toLowerCase()}`).join(", ")},
             lower(CAST(r.readOnly AS VARCHAR)) AS readonly,
             lower(CAST(r.managementEvent AS VARCHAR)) AS managementevent,
             ${duckLower("r.userIdentity", userIdentity)} AS useridentity,
             list_transform(r.resources, x -> ${duckLower("x", resources)}) AS resources,
             ${duckLower("r.tlsDetails", tlsDetails)} AS tlsdetails,
             filename AS "$path",
             regexp_extract(filename, 'AWSLogs/o-[a-z0-9]+/([0-9]{12})/CloudTrail/', 1) AS account,
             regexp_extract(filename, '/CloudTrail/([a-z0-9-]+)/', 1) AS region,
             regexp_extract(filename, '/CloudTrail/[a-z0-9-]+/([0-9]{4}/[0-9]{2}/[0-9]{2})/', 1) AS day
      FROM (SELECT unnest(Records) AS r, filename
            FROM read_json('${dir}/AWSLogs/*/*/CloudTrail/*/*/*/*/*.json.gz', format = 'unstructured', columns = {Records: 'STRUCT(${fields.join(", ").replace(/'/g, "''")})[]'}, filename = true))`);
    // Athena returns every cell as text (VarCharValue), null when SQL NULL.
    const rows = async (sql: string): Promise<Row[]> =>
      ((await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[]).map(
        (r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : typeof v === "object" ? JSON.stringify(v) : String(v)])), // prettier-ignore
      );
    const pages = async function* (list: Row[]) {
      for (let i = 0; i < list.length; i += 1000) yield list.slice(i, i + 1000);
    };
    const now = new Date("2026-12-01T00:00:00Z");
    const check = async (filters: { accounts?: string[]; from?: string; to?: string }) => {
      const records = await loadRemediationRecords(join(dir, "records"), filters);
      const local = await runAudit({ trail: dir, records: join(dir, "records"), filters, pack: {}, engine, now });
      const q = auditQueries("org_trail", filters);
      const viaSql = await auditFromRows(
        { coverage: await rows(q.coverage), candidates: pages(await rows(q.candidates)) },
        { filters, table: "org_trail", engine, adapters, remediationRecords: records.records, version: local.tool.version, now }, // prettier-ignore
      );
      // Everything but where it was read and how many bytes that took.
      const { bytes: _b, engine: _e, skipped: _s, ...want } = local.coverage;
      expect(viaSql.coverage).toMatchObject(want);
      for (const k of ["changes", "policyViolations", "remediation", "actors", "denied", "repeatOffenders"] as const) {
        expect([k, viaSql[k]]).toEqual([k, local[k]]);
      }
      return local;
    };
    const all = await check({});
    expect(all.coverage.records).toBe(trail.truth.records);
    expect(all.policyViolations.total).toBeGreaterThan(0);
    expect(all.remediation.total).toBeGreaterThan(0);
    // A partition filter is read from the key: one account, one day.
    const account = trail.accounts[0]?.id as string;
    await check({ accounts: [account], from: trail.truth.firstDate, to: trail.truth.firstDate });
    conn.closeSync();
    db.closeSync();
  }, 120_000);
});
