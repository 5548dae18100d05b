import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { isObject, type JsonObject } from "../util/json";
import { auditEvent, type AuditEvent, type FactOptions } from "./facts";
import { idList } from "./idset";
import { AuditAccumulator, type AuditFilters, type AuditRemediation, type AuditReport } from "./model";

/**
 * The audit on Amazon Athena, for trails that outgrow one machine: the CloudTrail table over the organisation
 * layout with partition projection (no crawler, no ALTER TABLE ADD PARTITION), and two queries that do the heavy
 * part, reading the whole trail where it lies:
 *   - coverage: records after deduplication by eventID, mutating records, files, accounts, regions and days
 *     (per account and region and in total, one scan: GROUPING SETS);
 *   - candidates: the records the local engine would parse in full (not plain read-only calls: lib/audit/extract.ts
 *     isCandidate), every column, rebuilt here into the CloudTrail record they were read from.
 * The candidates then go through exactly what the local engine does with them (lib/audit/facts.ts auditEvent: the
 * adapters' `fromCloudTrail`, the CloudTrail-subject policies' own validators, the accumulator, the join with the
 * remediation records), so both engines give the same report, in every format; no policy is rewritten as SQL.
 * Column names and types are those of the Athena User Guide's CloudTrail table ("Create the table for CloudTrail
 * logs in Athena using partition projection"); the partition keys follow lib/cloudtrail/layout.ts:
 * AWSLogs/<o-id>/<account>/CloudTrail/<region>/<yyyy/MM/dd>. test/unit/audit-athena.test.ts runs the same SQL on
 * DuckDB over the sample trail and requires the local engine's report.
 */

/**
 * The struct columns, field by field in the table's order, in CloudTrail's own spelling (the table's names are
 * these lowercased). One description makes both the DDL's types and the decoding of the query results, so they
 * cannot drift apart.
 */
export type Field = string | { name: string; fields: readonly Field[] } | { name: string; map: true };

const USER_IDENTITY: readonly Field[] = [
  "type",
  "principalId",
  "arn",
  "accountId",
  "invokedBy",
  "accessKeyId",
  "userName",
  { name: "onBehalfOf", fields: ["userId", "identityStoreArn"] },
  "identityProvider",
  "credentialId",
  {
    name: "sessionContext",
    fields: [
      { name: "attributes", fields: ["mfaAuthenticated", "creationDate"] },
      { name: "sessionIssuer", fields: ["type", "principalId", "arn", "accountId", "userName"] },
      "ec2RoleDelivery",
      { name: "webIdFederationData", fields: ["federatedProvider", { name: "attributes", map: true }] },
      "sourceIdentity",
    ],
  },
];
// CloudTrail spells the resource ARN `ARN` (the table's JSON SerDe matches names case-insensitively).
const RESOURCE: readonly Field[] = ["ARN", "accountId", "type"];
const TLS_DETAILS: readonly Field[] = ["tlsVersion", "cipherSuite", "clientProvidedHostHeader"];

/** The struct columns' fields (for tools that build the same table elsewhere, as the DuckDB test does). */
export const CLOUDTRAIL_STRUCTS = {
  userIdentity: USER_IDENTITY,
  resources: RESOURCE,
  tlsDetails: TLS_DETAILS,
} as const;

export function fieldName(f: Field): string {
  return typeof f === "string" ? f : f.name;
}

function structType(fields: readonly Field[]): string {
  const type = (f: Field): string =>
    typeof f === "string" ? "STRING" : "map" in f ? "MAP<STRING,STRING>" : structType(f.fields);
  return `STRUCT<${fields.map((f) => `${fieldName(f).toLowerCase()}: ${type(f)}`).join(", ")}>`;
}

export interface DdlOptions {
  table: string;
  /** s3://bucket/[prefix/]AWSLogs/<o-id> (organisation trail) or s3://bucket/[prefix/]AWSLogs */
  location: string;
  accounts: string[];
  regions: string[];
  /** First day of the projection, yyyy-mm-dd. */
  from: string;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

function ident(name: string, what: string): string {
  if (!IDENT.test(name)) throw new Error(`${what} "${name}": use lowercase letters, digits and underscores`);
  return name;
}

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** CREATE EXTERNAL TABLE with partition projection over account, region and day. */
export function cloudTrailTableDdl(o: DdlOptions): string {
  const location = o.location.replace(/\/+$/, "");
  if (!/^s3:\/\/[^/]+\/(.+\/)?AWSLogs(\/o-[a-z0-9]{10,32})?$/.test(location)) {
    throw new Error(`--location "${o.location}": expected s3://bucket/[prefix/]AWSLogs[/o-orgid]`);
  }
  for (const a of o.accounts) if (!/^\d{12}$/.test(a)) throw new Error(`account "${a}" is not a 12-digit id`);
  for (const r of o.regions) if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) throw new Error(`region "${r}" is not a region`);
  if (o.accounts.length === 0 || o.regions.length === 0) throw new Error("name the accounts and regions to project");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.from)) throw new Error(`--from "${o.from}" is not yyyy-mm-dd`);
  const columns = COLUMNS.map((c) => {
    const type = c.kind === "struct" ? structType(c.fields ?? []) : c.kind === "structs" ? `ARRAY<${structType(c.fields ?? [])}>` : "STRING"; // prettier-ignore
    return `    ${c.name.toLowerCase()} ${type}`;
  });
  return `CREATE EXTERNAL TABLE ${ident(o.table, "table")} (
${columns.join(",\n")})
PARTITIONED BY (account STRING, region STRING, day STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION ${literal(`${location}/`)}
TBLPROPERTIES (
    'projection.enabled' = 'true',
    'projection.account.type' = 'enum',
    'projection.account.values' = ${literal(o.accounts.join(","))},
    'projection.region.type' = 'enum',
    'projection.region.values' = ${literal(o.regions.join(","))},
    'projection.day.type' = 'date',
    'projection.day.format' = 'yyyy/MM/dd',
    'projection.day.range' = ${literal(`${o.from.replace(/-/g, "/")},NOW`)},
    'projection.day.interval' = '1',
    'projection.day.interval.unit' = 'DAYS',
    'storage.location.template' = ${literal(`${location}/\${account}/CloudTrail/\${region}/\${day}`)})`;
}

/** The WHERE clause of the filters, on the partition columns (so Athena reads only those prefixes). */
export function partitionFilter(f: AuditFilters): string {
  const parts = ["TRUE"];
  if (f.from) parts.push(`day >= ${literal(f.from.replace(/-/g, "/"))}`);
  if (f.to) parts.push(`day <= ${literal(f.to.replace(/-/g, "/"))}`);
  if (f.accounts?.length) parts.push(`account IN (${f.accounts.map(literal).join(", ")})`);
  if (f.regions?.length) parts.push(`region IN (${f.regions.map(literal).join(", ")})`);
  return parts.join(" AND ");
}

/** The table's top-level columns in CloudTrail's spelling, and how a result cell becomes the record's value. */
const COLUMNS: readonly { name: string; kind: "string" | "json" | "boolean" | "struct" | "structs"; fields?: readonly Field[] }[] = [
  { name: "eventVersion", kind: "string" },
  { name: "userIdentity", kind: "struct", fields: USER_IDENTITY },
  { name: "eventTime", kind: "string" },
  { name: "eventSource", kind: "string" },
  { name: "eventName", kind: "string" },
  { name: "awsRegion", kind: "string" },
  { name: "sourceIPAddress", kind: "string" },
  { name: "userAgent", kind: "string" },
  { name: "errorCode", kind: "string" },
  { name: "errorMessage", kind: "string" },
  { name: "requestParameters", kind: "json" },
  { name: "responseElements", kind: "json" },
  { name: "additionalEventData", kind: "json" },
  { name: "requestID", kind: "string" },
  { name: "eventID", kind: "string" },
  { name: "readOnly", kind: "boolean" },
  { name: "resources", kind: "structs", fields: RESOURCE },
  { name: "eventType", kind: "string" },
  { name: "apiVersion", kind: "string" },
  { name: "recipientAccountId", kind: "string" },
  { name: "serviceEventDetails", kind: "json" },
  { name: "sharedEventID", kind: "string" },
  { name: "vpcEndpointId", kind: "string" },
  { name: "eventCategory", kind: "string" },
  { name: "sessionCredentialFromConsole", kind: "string" },
  { name: "tlsDetails", kind: "struct", fields: TLS_DETAILS },
  // Beyond the User Guide's table: fields CloudTrail writes that a CloudTrail-subject policy may read.
  { name: "managementEvent", kind: "boolean" },
  { name: "vpcEndpointAccountId", kind: "string" },
  { name: "addendum", kind: "json" },
  { name: "edgeDeviceDetails", kind: "json" },
]; // prettier-ignore

export interface AuditQueries {
  /**
   * Files, deliveries, records and mutating records after deduplication by eventID, first and last day: one row per
   * account and region (`total` 0) and one for everything (`total` 3), in one scan.
   */
  coverage: string;
  /** The candidate records, every column, in day order. */
  candidates: string;
}

/** `eventid` deduplicated; records without one are counted once each, as the local engine does. */
const DISTINCT_RECORDS = "count(DISTINCT eventid) + count_if(eventid IS NULL)";
const MUTATING = "coalesce(readonly, '') <> 'true'";

/**
 * The queries, in SQL common to Athena (Trino) and DuckDB but for two functions the DuckDB test gives as macros.
 * Struct columns come back as JSON text (`json_format(CAST(… AS JSON))`): Trino writes a row as an object or, in
 * older engines, as an array in field order; decodeStruct reads both.
 */
export function auditQueries(table: string, f: AuditFilters): AuditQueries {
  const t = ident(table, "table");
  const where = partitionFilter(f);
  const select = COLUMNS.map((c) => {
    const col = c.name.toLowerCase();
    return c.kind === "struct" || c.kind === "structs" ? `json_format(CAST(${col} AS JSON)) AS ${col}` : col;
  });
  return {
    coverage: `SELECT grouping(account, region) AS total, account, region,
       min(day) AS first_day, max(day) AS last_day,
       count(DISTINCT "$path") AS files,
       count(*) AS deliveries,
       ${DISTINCT_RECORDS} AS records,
       count(DISTINCT CASE WHEN ${MUTATING} THEN eventid END) + count_if(eventid IS NULL AND ${MUTATING}) AS mutating
FROM ${t}
WHERE ${where}
GROUP BY GROUPING SETS ((account, region), ())
ORDER BY total, account, region`,
    candidates: `SELECT account, region, day,
       ${select.join(",\n       ")}
FROM ${t}
WHERE ${where} AND (${MUTATING} OR useridentity.type = 'Root')
ORDER BY day, account, region`,
  };
}

export type Row = Record<string, string | null>;

/**
 * A struct cell back into CloudTrail's object: from a JSON object (lowercase field names) or array (field order),
 * absent and null fields left out as CloudTrail leaves them out.
 */
export function decodeStruct(value: unknown, fields: readonly Field[]): JsonObject | undefined {
  if (value === null || value === undefined) return undefined;
  const out: JsonObject = {};
  fields.forEach((f, i) => {
    const name = fieldName(f);
    let v: unknown;
    if (Array.isArray(value)) v = value[i];
    else if (isObject(value)) v = value[name.toLowerCase()] ?? value[name];
    if (v === null || v === undefined) return;
    if (typeof f === "string") out[name] = v as string;
    else if ("map" in f) out[name] = v as JsonObject;
    else {
      // A struct that is there with no field set is CloudTrail's `{}` (an absent one is NULL).
      const inner = decodeStruct(v, f.fields);
      if (inner) out[name] = inner;
    }
  });
  return out;
}

function parseJson(text: string, column: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`Athena result column ${column}: not JSON (${(e as Error).message})`);
  }
}

/** One candidate row back into the CloudTrail record the table read. */
export function recordFromRow(row: Row): JsonObject {
  const r: JsonObject = {};
  for (const c of COLUMNS) {
    const cell = row[c.name.toLowerCase()];
    if (cell === null || cell === undefined) continue;
    if (c.kind === "string") r[c.name] = cell;
    else if (c.kind === "boolean") r[c.name] = cell === "true";
    else if (c.kind === "json") r[c.name] = parseJson(cell, c.name) as JsonObject;
    else if (c.kind === "struct") {
      const v = decodeStruct(parseJson(cell, c.name), c.fields ?? []);
      if (v) r[c.name] = v;
    } else {
      const list = parseJson(cell, c.name);
      if (Array.isArray(list)) r[c.name] = list.map((x) => decodeStruct(x, c.fields ?? []) ?? {});
    }
  }
  return r;
}

export interface AthenaTarget {
  database: string;
  workgroup: string;
  /** Where results go when the workgroup does not say (s3://...). */
  outputLocation?: string;
  /** Poll interval; tests pass 0. */
  pollMs?: number;
}

/** What a query execution reports besides its rows. */
export interface QueryStats {
  id: string;
  scannedBytes: number;
}

async function startQuery(client: AthenaClient, sql: string, t: AthenaTarget): Promise<string> {
  const start = await client.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      QueryExecutionContext: { Database: t.database },
      WorkGroup: t.workgroup,
      ...(t.outputLocation ? { ResultConfiguration: { OutputLocation: t.outputLocation } } : {}),
    }),
  );
  if (!start.QueryExecutionId) throw new Error("Athena returned no QueryExecutionId");
  return start.QueryExecutionId;
}

async function waitForQuery(client: AthenaClient, id: string, t: AthenaTarget): Promise<QueryStats> {
  for (;;) {
    const q = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = q.QueryExecution?.Status?.State;
    if (state === "SUCCEEDED") return { id, scannedBytes: q.QueryExecution?.Statistics?.DataScannedInBytes ?? 0 };
    if (state === "FAILED" || state === "CANCELLED") {
      throw new Error(
        `Athena query ${id} ${state}: ${q.QueryExecution?.Status?.StateChangeReason ?? "no reason given"}`,
      );
    }
    await new Promise((r) => setTimeout(r, t.pollMs ?? 1000));
  }
}

/** The result rows of a finished query, a page (up to 1,000 rows) at a time; the first row is the header. */
async function* resultPages(client: AthenaClient, id: string): AsyncGenerator<Row[]> {
  let header: string[] | undefined;
  let token: string | undefined;
  do {
    const page = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1000, ...(token ? { NextToken: token } : {}) }),
    );
    const rows: Row[] = [];
    for (const r of page.ResultSet?.Rows ?? []) {
      const values = (r.Data ?? []).map((c) => c.VarCharValue ?? null);
      if (!header) header = values.map((v) => v ?? "");
      else rows.push(Object.fromEntries(header.map((h, i) => [h, values[i] ?? null])));
    }
    yield rows;
    token = page.NextToken;
  } while (token);
}

/** Runs one query to the end and returns all its rows (for the small ones). */
export async function runAthenaQuery(client: AthenaClient, sql: string, t: AthenaTarget): Promise<Row[]> {
  const id = await startQuery(client, sql, t);
  await waitForQuery(client, id, t);
  const rows: Row[] = [];
  for await (const page of resultPages(client, id)) rows.push(...page);
  return rows;
}

/** The rows of the audit's two queries, however they were computed (Athena; DuckDB in the tests). */
export interface AuditRows {
  coverage: Row[];
  /** Candidate rows in day order, in pages. */
  candidates: AsyncIterable<Row[]>;
  /** Bytes the engine read to compute them (Athena's DataScannedInBytes), when known. */
  scannedBytes?: number;
}

export interface AuditFromRowsOptions extends FactOptions {
  filters: AuditFilters;
  table: string;
  remediationRecords: readonly AuditRemediation[];
  dedupeWindowDays?: number;
  version: string;
  now: Date;
  onRows?: (rows: number) => void;
}

/**
 * The report from the queries' rows: each run of candidate rows of one day, account and region is counted as the
 * local engine counts one file's facts (the same auditEvent, the same accumulator), then the coverage is the
 * queries' own (the candidates are only part of the trail).
 */
export async function auditFromRows(q: AuditRows, o: AuditFromRowsOptions): Promise<AuditReport> {
  const acc = new AuditAccumulator({
    ...(o.dedupeWindowDays !== undefined ? { dedupeWindowDays: o.dedupeWindowDays } : {}),
    wantedChanges: o.remediationRecords.map((r) => r.correlationId),
  });
  let group: { key: string; date: string; accountId: string; region: string } | undefined;
  let events: AuditEvent[] = [];
  const flush = () => {
    if (!group) return;
    acc.add({
      file: `${o.table}/${group.accountId}/${group.region}/${group.date}`,
      date: group.date,
      accountId: group.accountId,
      region: group.region,
      bytes: 0,
      records: 0,
      // Counted by the coverage query instead.
      readOnly: idList([]),
      mutating: idList([]),
      events,
    });
    events = [];
  };
  let seen = 0;
  for await (const page of q.candidates) {
    for (const row of page) {
      const date = (row.day ?? "").replace(/\//g, "-");
      const key = `${date}|${row.account}|${row.region}`;
      if (key !== group?.key) {
        flush();
        group = { key, date, accountId: row.account ?? "", region: row.region ?? "" };
      }
      const record = recordFromRow(row);
      const e = auditEvent(record, o);
      if (e.resources.length > 0 || e.violations.length > 0 || e.eventID === "") events.push(e);
    }
    seen += page.length;
    o.onRows?.(seen);
  }
  flush();
  const report = acc.finish({
    trail: `athena:${o.table}`,
    filters: o.filters,
    remediationRecords: o.remediationRecords,
    version: o.version,
    now: o.now,
  });
  const num = (v: string | null | undefined) => Number(v ?? 0);
  const total = q.coverage.find((r) => r.total !== "0") ?? {};
  const partitions = q.coverage.filter((r) => r.total === "0");
  const day = (d: string | null | undefined) => (d ? { date: d.replace(/\//g, "-") } : undefined);
  const first = day(total.first_day);
  const last = day(total.last_day);
  const records = num(total.records);
  report.coverage = {
    ...report.coverage,
    files: num(total.files),
    records,
    mutating: num(total.mutating),
    duplicates: num(total.deliveries) - records,
    bytes: q.scannedBytes ?? 0,
    accounts: [...new Set(partitions.map((p) => p.account ?? ""))].sort(),
    regions: [...new Set(partitions.map((p) => p.region ?? ""))].sort(),
    ...(first ? { firstDate: first.date } : {}),
    ...(last ? { lastDate: last.date } : {}),
    engine: "athena",
  };
  return report;
}

export interface AthenaAuditOptions extends Omit<AuditFromRowsOptions, "table"> {
  client: AthenaClient;
  table: string;
  target: AthenaTarget;
  onState?: (state: string) => void;
}

/** The audit on Athena: both queries run together, the candidates read page by page as they are counted. */
export async function runAthenaAudit(o: AthenaAuditOptions): Promise<AuditReport> {
  const q = auditQueries(o.table, o.filters);
  const ids = await Promise.all([q.coverage, q.candidates].map((sql) => startQuery(o.client, sql, o.target)));
  o.onState?.(`running queries ${ids.join(", ")}`);
  const stats = await Promise.all(ids.map((id) => waitForQuery(o.client, id, o.target)));
  const all = async (id: string) => {
    const rows: Row[] = [];
    for await (const page of resultPages(o.client, id)) rows.push(...page);
    return rows;
  };
  return auditFromRows(
    {
      coverage: await all(ids[0] as string),
      candidates: resultPages(o.client, ids[1] as string),
      scannedBytes: stats.reduce((n, s) => n + s.scannedBytes, 0),
    },
    o,
  );
}
