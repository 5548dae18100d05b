import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import type { AuditFilters } from "./model";

/**
 * The audit on Amazon Athena, for trails that outgrow one machine: the CloudTrail table over the organisation
 * layout with partition projection (no crawler, no ALTER TABLE ADD PARTITION), and the report's figures that SQL
 * can compute exactly as the local engine does. Column names and types are those of the Athena User Guide's
 * CloudTrail table ("Create the table for CloudTrail logs in Athena using partition projection"); the partition
 * keys follow the key layout of lib/cloudtrail/layout.ts: AWSLogs/<o-id>/<account>/CloudTrail/<region>/<yyyy/MM/dd>.
 *
 * What runs here: coverage (records after deduplication, mutating records), mutating calls by account, service
 * and day, denied calls, and the CloudTrail-subject policies written as SQL (root use, StopLogging / DeleteTrail,
 * Config tampering, console changes to production API Gateway stages). What does not: the resource adapters'
 * `fromCloudTrail` (which calls touch governed resources) and the join with remediation records; those stay in
 * the local engine. The SQL forms of the policies are checked against the engine on the sample trail
 * (test/unit/audit-athena.test.ts runs the same SQL on DuckDB).
 */

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
  return `CREATE EXTERNAL TABLE ${ident(o.table, "table")} (
    eventversion STRING,
    useridentity STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        invokedby: STRING,
        accesskeyid: STRING,
        username: STRING,
        onbehalfof: STRUCT<userid: STRING, identitystorearn: STRING>,
        sessioncontext: STRUCT<
            attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
            sessionissuer: STRUCT<type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING>,
            ec2roledelivery: STRING,
            webidfederationdata: STRUCT<federatedprovider: STRING, attributes: MAP<STRING,STRING>>>>,
    eventtime STRING,
    eventsource STRING,
    eventname STRING,
    awsregion STRING,
    sourceipaddress STRING,
    useragent STRING,
    errorcode STRING,
    errormessage STRING,
    requestparameters STRING,
    responseelements STRING,
    additionaleventdata STRING,
    requestid STRING,
    eventid STRING,
    readonly STRING,
    resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
    eventtype STRING,
    apiversion STRING,
    recipientaccountid STRING,
    serviceeventdetails STRING,
    sharedeventid STRING,
    vpcendpointid STRING,
    eventcategory STRING,
    sessioncredentialfromconsole STRING,
    tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING>)
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

/**
 * One row per distinct eventID (duplicate deliveries removed: the first in eventtime order is kept; duplicates
 * are the same record), as a common table expression the report's queries read.
 */
function deduplicated(table: string, f: AuditFilters): string {
  return `WITH d AS (
  SELECT * FROM (
    SELECT *, row_number() OVER (PARTITION BY eventid ORDER BY eventtime) AS n
    FROM ${ident(table, "table")}
    WHERE ${partitionFilter(f)}
  ) WHERE n = 1
)`;
}

/** The CloudTrail-subject policies of the built-in pack as SQL (see the module comment for how they are checked). */
export const POLICY_SQL: Record<string, string> = {
  "iam-root-account-use":
    "useridentity.type = 'Root' AND useridentity.invokedby IS NULL AND coalesce(eventtype, '') <> 'AwsServiceEvent'",
  "cloudtrail-no-stop-logging":
    "eventsource = 'cloudtrail.amazonaws.com' AND eventname IN ('StopLogging', 'DeleteTrail')",
  "config-no-recorder-tampering":
    "eventsource = 'config.amazonaws.com' AND eventname IN ('StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel', 'DeleteConfigRule')",
  "apigateway-no-console-changes-in-production":
    "eventsource = 'apigateway.amazonaws.com' AND readonly = 'false' AND sessioncredentialfromconsole = 'true' AND (" +
    "json_extract_scalar(requestparameters, '$.stageName') LIKE 'prod%' OR " +
    "json_extract_scalar(requestparameters, '$.createStageInput.stageName') LIKE 'prod%' OR " +
    "json_extract_scalar(requestparameters, '$.createDeploymentInput.stageName') LIKE 'prod%' OR " +
    "json_extract_scalar(requestparameters, '$.domainName') IS NOT NULL OR " +
    "json_extract(requestparameters, '$.createDomainNameInput') IS NOT NULL)",
};

export interface AuditQueries {
  coverage: string;
  mutatingByAccountServiceDay: string;
  denied: string;
  policyViolations: string;
}

const DENIED = "('AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Client.UnauthorizedOperation')";

/** The report's queries on the CloudTrail table; read-only records are never counted as changes. */
export function auditQueries(table: string, f: AuditFilters): AuditQueries {
  const d = deduplicated(table, f);
  const violations = Object.entries(POLICY_SQL)
    .map(
      ([id, cond]) =>
        `SELECT ${literal(id)} AS policy, count(*) AS violations FROM d WHERE errorcode IS NULL AND ${cond}`,
    )
    .join("\nUNION ALL\n");
  return {
    coverage: `${d}
SELECT count(*) AS records,
       count_if(coalesce(readonly, '') <> 'true') AS mutating,
       min(eventtime) AS first_event_time,
       max(eventtime) AS last_event_time
FROM d`,
    mutatingByAccountServiceDay: `${d}
SELECT recipientaccountid AS account, eventsource AS service, substr(eventtime, 1, 10) AS day, count(*) AS calls
FROM d
WHERE coalesce(readonly, '') <> 'true' AND errorcode IS NULL
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3`,
    denied: `${d}
SELECT errorcode, count(*) AS calls
FROM d
WHERE errorcode IN ${DENIED}
GROUP BY 1
ORDER BY 1`,
    policyViolations: `${d}
${violations}`,
  };
}

export interface AthenaTarget {
  database: string;
  workgroup: string;
  /** Where results go when the workgroup does not say (s3://...). */
  outputLocation?: string;
  region?: string;
  /** Poll interval; tests pass 0. */
  pollMs?: number;
}

export type Row = Record<string, string | null>;

/** Runs one query: StartQueryExecution, GetQueryExecution until it ends, GetQueryResults page by page. */
export async function runAthenaQuery(client: AthenaClient, sql: string, t: AthenaTarget): Promise<Row[]> {
  const start = await client.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      QueryExecutionContext: { Database: t.database },
      WorkGroup: t.workgroup,
      ...(t.outputLocation ? { ResultConfiguration: { OutputLocation: t.outputLocation } } : {}),
    }),
  );
  const id = start.QueryExecutionId;
  if (!id) throw new Error("Athena returned no QueryExecutionId");
  for (;;) {
    const q = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = q.QueryExecution?.Status?.State;
    if (state === "SUCCEEDED") break;
    if (state === "FAILED" || state === "CANCELLED") {
      throw new Error(
        `Athena query ${id} ${state}: ${q.QueryExecution?.Status?.StateChangeReason ?? "no reason given"}`,
      );
    }
    await new Promise((r) => setTimeout(r, t.pollMs ?? 1000));
  }
  const rows: Row[] = [];
  let header: string[] | undefined;
  let token: string | undefined;
  do {
    const page = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId: id, ...(token ? { NextToken: token } : {}) }),
    );
    for (const r of page.ResultSet?.Rows ?? []) {
      const values = (r.Data ?? []).map((c) => c.VarCharValue ?? null);
      // The first row of the first page is the header.
      if (!header) header = values.map((v) => v ?? "");
      else rows.push(Object.fromEntries(header.map((h, i) => [h, values[i] ?? null])));
    }
    token = page.NextToken;
  } while (token);
  return rows;
}

export interface AthenaAudit {
  coverage: { records: number; mutating: number; firstEventTime: string | null; lastEventTime: string | null };
  mutating: { account: string; service: string; day: string; calls: number }[];
  denied: { errorCode: string; calls: number }[];
  policyViolations: Record<string, number>;
}

/** The report's Athena figures (the queries run one after another; each names its own execution). */
export async function runAthenaAudit(
  client: AthenaClient,
  table: string,
  f: AuditFilters,
  t: AthenaTarget,
): Promise<AthenaAudit> {
  const q = auditQueries(table, f);
  const num = (v: string | null | undefined) => Number(v ?? 0);
  const [c] = await runAthenaQuery(client, q.coverage, t);
  const mutating = await runAthenaQuery(client, q.mutatingByAccountServiceDay, t);
  const denied = await runAthenaQuery(client, q.denied, t);
  const violations = await runAthenaQuery(client, q.policyViolations, t);
  return {
    coverage: {
      records: num(c?.records),
      mutating: num(c?.mutating),
      firstEventTime: c?.first_event_time ?? null,
      lastEventTime: c?.last_event_time ?? null,
    },
    mutating: mutating.map((r) => ({
      account: r.account ?? "",
      service: r.service ?? "",
      day: r.day ?? "",
      calls: num(r.calls),
    })),
    denied: denied.map((r) => ({ errorCode: r.errorcode ?? "", calls: num(r.calls) })),
    policyViolations: Object.fromEntries(violations.map((r) => [r.policy ?? "", num(r.violations)])),
  };
}

/** The Athena figures as Markdown, JSON or CSV (the HTML report needs the local engine's sections). */
export function renderAthenaAudit(a: AthenaAudit, format: "md" | "json" | "csv", table: string): string {
  if (format === "json") return JSON.stringify({ engine: "athena", table, ...a }, null, 2) + "\n";
  if (format === "csv") {
    const lines = ["section,key,account,service,day,count"];
    lines.push(`coverage,records,,,,${a.coverage.records}`, `coverage,mutating,,,,${a.coverage.mutating}`);
    for (const [id, n] of Object.entries(a.policyViolations)) lines.push(`policy-violation,${id},,,,${n}`);
    for (const d of a.denied) lines.push(`denied,${d.errorCode},,,,${d.calls}`);
    for (const m of a.mutating) lines.push(`mutating,,${m.account},${m.service},${m.day},${m.calls}`);
    return lines.join("\r\n") + "\r\n";
  }
  const out = [
    `# Guardrail audit (Athena, table \`${table}\`)`,
    "",
    `${a.coverage.records.toLocaleString("en-US")} records after deduplication, ${a.coverage.mutating.toLocaleString("en-US")} mutating; events ${a.coverage.firstEventTime ?? "–"} … ${a.coverage.lastEventTime ?? "–"}.`,
    "",
    "## Violations of CloudTrail policies",
    "",
    "| policy | violations |",
    "| --- | ---: |",
    ...Object.entries(a.policyViolations).map(([id, n]) => `| ${id} | ${n} |`),
    "",
    "## Denied calls",
    "",
    "| error | calls |",
    "| --- | ---: |",
    ...a.denied.map((d) => `| ${d.errorCode} | ${d.calls} |`),
    "",
    "## Successful mutating calls by account, service and day",
    "",
    "| account | service | day | calls |",
    "| --- | --- | --- | ---: |",
    ...a.mutating.map((m) => `| ${m.account} | ${m.service} | ${m.day} | ${m.calls} |`),
    "",
  ];
  return out.join("\n");
}
