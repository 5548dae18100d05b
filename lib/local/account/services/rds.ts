import type { ConfigItem } from "../../../resources/config-item";
import { isObject, type JsonObject } from "../../../util/json";
import { trailShape } from "./cloudfront";
import { cfg, copy, date, fail, required, str, type Operation, type OperationContext } from "./types";
import type { ServiceEmulation } from "./types";

/**
 * Amazon RDS instances and clusters: DescribeDBInstances and DescribeDBClusters (by identifier or ARN, or by the
 * `dbi-resource-id` / `db-cluster-resource-id` filters the describes use), ModifyDBInstance and ModifyDBCluster (the
 * rds-* actions), with the RDS API Reference's errors (DBInstanceNotFound, DBClusterNotFoundFault,
 * InvalidDBInstanceState, InvalidParameterValue, InvalidParameterCombination).
 *
 * ModifyDBInstance follows the RDS User Guide ("Using the schedule modifications setting" and "Settings for DB
 * instances"): without ApplyImmediately the instance class, Multi-AZ, allocated storage, engine version and a backup
 * retention change to or from 0 wait in PendingModifiedValues for the maintenance window; with it they, and the
 * changes already queued, apply now. Public access, deletion protection, minor version upgrades, copying tags to
 * snapshots, IAM authentication and a backup retention change between two non-zero values apply at once either
 * way. A change that applies is shown at once (the local account does not model the minutes of "modifying").
 * An Aurora instance takes backups, deletion protection, tag copying and IAM authentication from its cluster.
 *
 * Items are the adapters' (lib/resources/types/aws-rds-*.ts): an instance's `configuration` is the DBInstance in
 * Java-bean camelCase (`dBInstanceIdentifier`, `dbiResourceId`), a cluster's with the `DB` prefix lower-cased whole
 * (`dbclusterIdentifier`); items built from a describe keep the API's PascalCase. Writes keep each item's naming.
 * CloudTrail records the request members in lower camel case and the instance or cluster itself as
 * `responseElements` ("Monitoring Amazon RDS API calls in AWS CloudTrail", CreateDBInstance example:
 * `dBInstanceIdentifier`, `dbiResourceId`, `pendingModifiedValues`), times in Java's text form.
 */

const SERVICE = "RDS";
const INSTANCE = "AWS::RDS::DBInstance";
const CLUSTER = "AWS::RDS::DBCluster";

// ---- names ---------------------------------------------------------------------------------------------------

/** Config's cluster spelling lower-cases a leading acronym whole (`dbclusterArn`, `iamdatabaseAuthenticationEnabled`). */
const LOWERED_PREFIXES: [string, string][] = [
  ["dbcluster", "DBCluster"],
  ["dbinstance", "DBInstance"],
  ["dbsubnet", "DBSubnet"],
  ["dbparameter", "DBParameter"],
  ["iamdatabase", "IAMDatabase"],
];

/** One Config member name as the API spells it. */
function apiName(key: string): string {
  for (const [lowered, api] of LOWERED_PREFIXES) if (key.startsWith(lowered)) return api + key.slice(lowered.length);
  return key.charAt(0).toUpperCase() + key.slice(1);
}

const TIME = /Time$/;

/** Config's (or the API's) naming to the API's, recursively; times as Dates, nulls dropped. */
function toApi(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map((v) => toApi(v));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      const name = apiName(k);
      out[name] = toApi(v, name);
    }
    return out;
  }
  if (TIME.test(key)) return (date(value) ?? value) as unknown;
  return value;
}

/**
 * How an item spells an API member: the spelling it already uses, else its own convention (PascalCase for a
 * describe's item, Java-bean camelCase for an instance, the whole-prefix lower case for a cluster).
 */
function spelling(item: ConfigItem, c: JsonObject, api: string): string {
  for (const k of Object.keys(c)) if (apiName(k) === api) return k;
  if (Object.keys(c).some((k) => /^[A-Z]/.test(k))) return api;
  if (item.resourceType === CLUSTER) {
    for (const [lowered, prefix] of LOWERED_PREFIXES)
      if (api.startsWith(prefix)) return lowered + api.slice(prefix.length);
  }
  return api.charAt(0).toLowerCase() + api.slice(1);
}

function field(c: JsonObject, api: string): unknown {
  for (const [k, v] of Object.entries(c)) if (apiName(k) === api) return v;
  return undefined;
}

// ---- lookups -------------------------------------------------------------------------------------------------

function instanceNotFound(id: string): never {
  fail(SERVICE, "DBInstanceNotFoundFault", `DBInstance ${id} not found.`, 404);
}

function clusterNotFound(id: string): never {
  fail(SERVICE, "DBClusterNotFoundFault", `DBCluster ${id} not found.`, 404);
}

function invalidParameter(message: string): never {
  fail(SERVICE, "InvalidParameterValue", message);
}

/** An identifier, or the ARN of one in the caller's account and Region; RDS compares them in lower case. */
function identifierOf(ctx: OperationContext, given: string, kind: "db" | "cluster"): string | undefined {
  const m = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):(db|cluster):(.+)$/.exec(given);
  if (!m) return given.toLowerCase();
  return m[1] === ctx.region && m[2] === ctx.accountId && m[3] === kind ? (m[4] as string).toLowerCase() : undefined;
}

function listOf(ctx: OperationContext, type: string): ConfigItem[] {
  return ctx.store.list({ resourceType: type, accountId: ctx.accountId, region: ctx.region });
}

function instanceId(item: ConfigItem): string {
  return (str(field(cfg(item), "DBInstanceIdentifier")) ?? item.resourceName ?? item.resourceId).toLowerCase();
}

function clusterId(item: ConfigItem): string {
  return (str(field(cfg(item), "DBClusterIdentifier")) ?? item.resourceName ?? item.resourceId).toLowerCase();
}

function instanceItem(ctx: OperationContext, given: string): ConfigItem {
  const id = identifierOf(ctx, given, "db");
  return (
    (id !== undefined ? listOf(ctx, INSTANCE).find((i) => instanceId(i) === id) : undefined) ?? instanceNotFound(given)
  );
}

function clusterItem(ctx: OperationContext, given: string): ConfigItem {
  const id = identifierOf(ctx, given, "cluster");
  return (
    (id !== undefined ? listOf(ctx, CLUSTER).find((i) => clusterId(i) === id) : undefined) ?? clusterNotFound(given)
  );
}

// ---- shapes --------------------------------------------------------------------------------------------------

function tagList(item: ConfigItem): JsonObject[] {
  return Object.entries(item.tags).map(([Key, Value]) => ({ Key, Value }));
}

function instanceOut(item: ConfigItem): JsonObject {
  const { TagList: _t, ...out } = toApi(cfg(item)) as JsonObject;
  out.DBInstanceIdentifier ??= item.resourceName ?? item.resourceId;
  if (out.DbiResourceId === undefined && /^db-/.test(item.resourceId)) out.DbiResourceId = item.resourceId;
  out.PendingModifiedValues ??= {};
  out.TagList = tagList(item);
  return out;
}

function clusterOut(item: ConfigItem): JsonObject {
  const { TagList: _t, ...out } = toApi(cfg(item)) as JsonObject;
  out.DBClusterIdentifier ??= item.resourceName ?? item.resourceId;
  if (out.DbClusterResourceId === undefined && /^cluster-/.test(item.resourceId))
    out.DbClusterResourceId = item.resourceId;
  out.TagList = tagList(item);
  return out;
}

// ---- describes -----------------------------------------------------------------------------------------------

interface Filter {
  Name: string;
  Values: string[];
}

function filtersOf(input: JsonObject): Filter[] {
  const raw = Array.isArray(input.Filters) ? input.Filters : [];
  return raw.map((f) => {
    const name = isObject(f) ? str(f.Name) : undefined;
    const values =
      isObject(f) && Array.isArray(f.Values) ? f.Values.filter((v): v is string => typeof v === "string") : [];
    if (!name) invalidParameter("Filter name must not be empty");
    return { Name: name, Values: values };
  });
}

/** DescribeDBInstances' filters (RDS API Reference, DescribeDBInstances Filters). */
const INSTANCE_FILTERS: Record<string, (item: ConfigItem, ctx: OperationContext, value: string) => boolean> = {
  "dbi-resource-id": (i, _c, v) => (str(field(cfg(i), "DbiResourceId")) ?? i.resourceId) === v,
  "db-instance-id": (i, ctx, v) => instanceId(i) === identifierOf(ctx, v, "db"),
  "db-cluster-id": (i, ctx, v) =>
    str(field(cfg(i), "DBClusterIdentifier"))?.toLowerCase() === identifierOf(ctx, v, "cluster"),
  engine: (i, _c, v) => field(cfg(i), "Engine") === v,
};

/** DescribeDBClusters' filters (RDS API Reference, DescribeDBClusters Filters). */
const CLUSTER_FILTERS: Record<string, (item: ConfigItem, ctx: OperationContext, value: string) => boolean> = {
  "db-cluster-resource-id": (i, _c, v) => (str(field(cfg(i), "DbClusterResourceId")) ?? i.resourceId) === v,
  "db-cluster-id": (i, ctx, v) => clusterId(i) === identifierOf(ctx, v, "cluster"),
  engine: (i, _c, v) => field(cfg(i), "Engine") === v,
};

function filtered(
  ctx: OperationContext,
  type: string,
  filters: Filter[],
  table: Record<string, (item: ConfigItem, ctx: OperationContext, value: string) => boolean>,
  notFound: (id: string) => never,
): ConfigItem[] {
  for (const f of filters) if (!table[f.Name]) invalidParameter(`Unrecognized filter name: ${f.Name}`);
  const matches = listOf(ctx, type).filter((i) =>
    filters.every((f) => f.Values.some((v) => table[f.Name]!(i, ctx, v))),
  );
  // A resource id that is another account's: Guardrail asks in the account that holds it (the local account tries
  // each account on "not found"), so this account's empty answer must not end the search there.
  const byId = filters.find((f) => f.Name.endsWith("resource-id"));
  if (matches.length === 0 && byId) {
    const elsewhere = byId.Values.find((v) => ctx.store.find(type, v).some((i) => i.accountId !== ctx.accountId));
    if (elsewhere) notFound(elsewhere);
  }
  return matches;
}

function describeDBInstances(input: JsonObject, ctx: OperationContext): JsonObject {
  const given = str(input.DBInstanceIdentifier);
  const filters = filtersOf(input);
  const items = given
    ? [instanceItem(ctx, given)].filter((i) =>
        filters.every((f) =>
          f.Values.some(
            (v) => INSTANCE_FILTERS[f.Name]?.(i, ctx, v) ?? invalidParameter(`Unrecognized filter name: ${f.Name}`),
          ),
        ),
      )
    : filtered(ctx, INSTANCE, filters, INSTANCE_FILTERS, instanceNotFound);
  return { DBInstances: items.map(instanceOut) };
}

function describeDBClusters(input: JsonObject, ctx: OperationContext): JsonObject {
  const given = str(input.DBClusterIdentifier);
  const filters = filtersOf(input);
  const items = given
    ? [clusterItem(ctx, given)].filter((i) =>
        filters.every((f) =>
          f.Values.some(
            (v) => CLUSTER_FILTERS[f.Name]?.(i, ctx, v) ?? invalidParameter(`Unrecognized filter name: ${f.Name}`),
          ),
        ),
      )
    : filtered(ctx, CLUSTER, filters, CLUSTER_FILTERS, clusterNotFound);
  return { DBClusters: items.map(clusterOut) };
}

// ---- modify --------------------------------------------------------------------------------------------------

type Check = (v: unknown) => boolean;
const bool: Check = (v) => typeof v === "boolean";
const int =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const text: Check = (v) => typeof v === "string" && v !== "";

/** ModifyDBInstance members served: the request name, the DBInstance member it sets, and its check. */
const INSTANCE_MEMBERS: Record<string, { member: string; check: Check; deferred?: boolean }> = {
  PubliclyAccessible: { member: "PubliclyAccessible", check: bool },
  DeletionProtection: { member: "DeletionProtection", check: bool },
  AutoMinorVersionUpgrade: { member: "AutoMinorVersionUpgrade", check: bool },
  CopyTagsToSnapshot: { member: "CopyTagsToSnapshot", check: bool },
  EnableIAMDatabaseAuthentication: { member: "IAMDatabaseAuthenticationEnabled", check: bool },
  BackupRetentionPeriod: { member: "BackupRetentionPeriod", check: int(0, 35) },
  PreferredBackupWindow: { member: "PreferredBackupWindow", check: text },
  PreferredMaintenanceWindow: { member: "PreferredMaintenanceWindow", check: text },
  DBInstanceClass: { member: "DBInstanceClass", check: text, deferred: true },
  MultiAZ: { member: "MultiAZ", check: bool, deferred: true },
  AllocatedStorage: { member: "AllocatedStorage", check: int(20, 65536), deferred: true },
  EngineVersion: { member: "EngineVersion", check: text, deferred: true },
};

/** What an Aurora instance takes from its cluster (RDS API Reference, ModifyDBInstance: "Amazon Aurora: Not applicable"). */
const CLUSTER_MANAGED = new Set([
  "BackupRetentionPeriod",
  "DeletionProtection",
  "CopyTagsToSnapshot",
  "EnableIAMDatabaseAuthentication",
  "MultiAZ",
  "PreferredBackupWindow",
  "AllocatedStorage",
]);

/** Members of the request that are not settings. */
const CALL_MEMBERS = new Set(["DBInstanceIdentifier", "DBClusterIdentifier", "ApplyImmediately"]);

function checkMembers(input: JsonObject, table: Record<string, { check: Check }>): void {
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined || CALL_MEMBERS.has(name)) continue;
    const spec = table[name];
    if (!spec) invalidParameter(`The local account does not model ${name}`);
    if (!spec.check(value)) invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter ${name}.`);
  }
}

function modifyDBInstance(input: JsonObject, ctx: OperationContext): JsonObject {
  const given = required(SERVICE, input, "DBInstanceIdentifier", "InvalidParameterValue");
  const item = instanceItem(ctx, given);
  const c = cfg(item);
  const status = str(field(c, "DBInstanceStatus")) ?? "available";
  if (status !== "available" && status !== "storage-optimization") {
    fail(SERVICE, "InvalidDBInstanceStateFault", "Database instance is not in available state.");
  }
  checkMembers(input, INSTANCE_MEMBERS);
  const cluster = str(field(c, "DBClusterIdentifier"));
  if (cluster) {
    for (const name of Object.keys(input)) {
      if (CLUSTER_MANAGED.has(name) && input[name] !== undefined) {
        fail(
          SERVICE,
          "InvalidParameterCombination",
          `The requested DB instance is a member of DB cluster ${cluster}: set ${name} for the DB cluster.`,
        );
      }
    }
  }
  const now = input.ApplyImmediately === true;
  const apply: Record<string, unknown> = {};
  const queue: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(INSTANCE_MEMBERS)) {
    const value = input[name];
    if (value === undefined) continue;
    let deferred = spec.deferred === true;
    if (name === "BackupRetentionPeriod") {
      const was = field(c, "BackupRetentionPeriod");
      // Turning automated backups on or off restarts the instance: it waits like a deferred change.
      deferred = (was === 0) !== (value === 0);
    }
    if (deferred && !now) queue[spec.member] = value;
    else apply[spec.member] = value;
  }
  const pendingKey = spelling(item, c, "PendingModifiedValues");
  const pendingBefore = isObject(c[pendingKey]) ? (toApi(c[pendingKey]) as JsonObject) : {};
  const pending: JsonObject = now ? {} : { ...pendingBefore, ...(queue as JsonObject) };
  // Applying immediately takes the queued changes too (the User Guide's schedule modifications setting).
  const applied = now ? { ...pendingBefore, ...apply } : apply;
  const saved = ctx.save(item, (d) => {
    const next: JsonObject = { ...(d.configuration ?? {}) };
    for (const [member, value] of Object.entries(applied)) next[spelling(item, next, member)] = value as JsonObject;
    const camel = !Object.keys(next).some((k) => /^[A-Z]/.test(k));
    next[pendingKey] = Object.fromEntries(
      Object.entries(pending).map(([k, v]) => [camel ? k.charAt(0).toLowerCase() + k.slice(1) : k, v]),
    ) as JsonObject;
    d.configuration = next;
  });
  return { DBInstance: instanceOut(saved) };
}

/** ModifyDBCluster members served (RDS API Reference, ModifyDBCluster). */
const CLUSTER_MEMBERS: Record<string, { member: string; check: Check }> = {
  DeletionProtection: { member: "DeletionProtection", check: bool },
  BackupRetentionPeriod: { member: "BackupRetentionPeriod", check: int(1, 35) },
  CopyTagsToSnapshot: { member: "CopyTagsToSnapshot", check: bool },
  EnableIAMDatabaseAuthentication: { member: "IAMDatabaseAuthenticationEnabled", check: bool },
  AutoMinorVersionUpgrade: { member: "AutoMinorVersionUpgrade", check: bool },
  PreferredBackupWindow: { member: "PreferredBackupWindow", check: text },
  PreferredMaintenanceWindow: { member: "PreferredMaintenanceWindow", check: text },
};

/**
 * The cluster settings served here apply at once, ApplyImmediately or not (Amazon Aurora User Guide, "Settings for
 * Amazon Aurora": backup retention, deletion protection, tag copying, IAM authentication).
 */
function modifyDBCluster(input: JsonObject, ctx: OperationContext): JsonObject {
  const given = required(SERVICE, input, "DBClusterIdentifier", "InvalidParameterValue");
  const item = clusterItem(ctx, given);
  const c = cfg(item);
  const status = str(field(c, "Status")) ?? "available";
  if (status !== "available")
    fail(SERVICE, "InvalidDBClusterStateFault", `DBCluster ${clusterId(item)} is not in available state.`);
  checkMembers(input, CLUSTER_MEMBERS);
  const saved = ctx.save(item, (d) => {
    const next: JsonObject = { ...(d.configuration ?? {}) };
    for (const [name, spec] of Object.entries(CLUSTER_MEMBERS)) {
      if (input[name] !== undefined) next[spelling(item, next, spec.member)] = copy(input[name]) as JsonObject;
    }
    d.configuration = next;
  });
  return { DBCluster: clusterOut(saved) };
}

// ---- operations ----------------------------------------------------------------------------------------------

function rdsOperation(readOnly: boolean, serve: Operation["serve"], result?: string): Operation {
  return {
    readOnly,
    serve,
    request: (input) => trailShape(input),
    // The instance or cluster itself, not wrapped in the result's member (the CreateDBInstance example).
    response: (output) => (result && isObject(output[result]) ? trailShape(output[result]) : null),
  };
}

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  scenarios: true,
  operations: {
    DescribeDBInstances: rdsOperation(true, describeDBInstances),
    DescribeDBClusters: rdsOperation(true, describeDBClusters),
    ModifyDBInstance: rdsOperation(false, modifyDBInstance, "DBInstance"),
    ModifyDBCluster: rdsOperation(false, modifyDBCluster, "DBCluster"),
  },
};
