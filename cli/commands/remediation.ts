// First: drops the AWS SDK's NodeVersionSupportWarning before any SDK client can be constructed (see the module).
import "../aws-warnings";
import { existsSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { EXIT } from "../exit";
import { loadPack, packSpec, type PackOptions } from "../pack-options";
import { resourceFromConfigItem, type Resource, type ResourceRef } from "../../lib/resources/adapter";
import { ConfigItemError, toConfigItem } from "../../lib/resources/config-item";
import { adapterFor } from "../../lib/resources/registry";
import { planRemediation } from "../../lib/remediation/planning/plan";
import { requireAction } from "../../lib/remediation/planning/registry";
import { PlanError, type AwsCall, type RemediationParams } from "../../lib/remediation/types";
import type { RemediationRecord } from "../../lib/remediation/worker/record";
import { isObject } from "../../lib/util/json";
import { resourceTypesOf } from "../../lib/policy/types";

/**
 * `guardrail remediation plan | approve | undo`. Exit codes (documented in each command's --help):
 *   0  done: the plan or restore printed (or nothing to do), the approval released, the undo applied
 *   1  the remediation could not be done: a PlanError, an AWS call failed, the approval is no longer live, the
 *      live resource no longer matches the record (undo refused)
 *   2  usage: unknown policy, not a record id, a policy without remediation, missing settings
 *   3  an input could not be read: the item or record file, the record in S3, the live describe
 * Modules that load the AWS SDK (the executor, the record store, describes, approval) are imported inside the
 * commands, so `guardrail validate` and friends never pay for the SDK.
 */

export { REMEDIATION_EXIT_HELP } from "../exit";

const out = (value: unknown) => process.stdout.write(JSON.stringify(value, null, 2) + "\n");
const fail = (message: string, code: number): number => {
  process.stderr.write(`guardrail: ${message}\n`);
  return code;
};
const errText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

function readJson(file: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(readFileSync(file, "utf8")) as unknown };
  } catch (e) {
    return { error: `${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** `key=value` runtime params; the value is JSON when it parses as JSON (`stageNames=["prod"]`), else text. */
export function parseParams(pairs: string[] = []): RemediationParams {
  const params: RemediationParams = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at < 1) throw new Error(`--param ${pair}: expected key=value`);
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text
    }
    params[pair.slice(0, at)] = value as RemediationParams[string];
  }
  return params;
}

/** The one item of a file: a bare Config item, an invoking event's `configurationItem`, or a one-item snapshot. */
function itemOf(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  if (isObject(raw.configurationItem)) return raw.configurationItem;
  if (Array.isArray(raw.configurationItems)) {
    if (raw.configurationItems.length !== 1) {
      throw new ConfigItemError(
        `holds ${raw.configurationItems.length} configuration items; plan takes one`,
        "/configurationItems",
      );
    }
    return raw.configurationItems[0];
  }
  return raw;
}

// ---------------------------------------------------------------------------------------------------------------
// The demo's local account

/** `--local` / `--state DIR`: the local account `guardrail demo` left there, never an AWS account. */
export interface LocalOptions {
  local?: boolean;
  state?: string;
}

/** The demo's state folder (`guardrail demo --state`'s default). */
export const DEFAULT_STATE = ".guardrail";

/** The local state directory when the command runs against the local account (explicitly asked), else undefined. */
export function localState(opts: LocalOptions): string | undefined {
  return opts.local || opts.state !== undefined ? (opts.state ?? DEFAULT_STATE) : undefined;
}

/** For "no audit bucket" errors: the demo's account is here, which --local would use. */
function localHint(): string {
  return existsSync(join(DEFAULT_STATE, "account.json"))
    ? ` (for the demo's local account in ${DEFAULT_STATE}: add --local)`
    : "";
}

/** A local state error (no account there, unreadable state): exit 3, the place named; other errors pass. */
async function localFailure(e: unknown): Promise<number | undefined> {
  const { LocalStateError } = await import("../../lib/local/remediation");
  return e instanceof LocalStateError ? fail(e.message, EXIT.incomplete) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// plan

export interface PlanOptions extends PackOptions, LocalOptions {
  item?: string;
  /** With --local: the resource of the local account (its id, name or ARN) instead of an --item file. */
  resource?: string;
  exemptions?: string;
  param?: string[];
}

/** Dry run of a policy's remediation on one Config item: the exact AWS calls, as JSON. No AWS access. */
export async function remediationPlanCommand(policyId: string, opts: PlanOptions): Promise<number> {
  const state = localState(opts);
  if (opts.resource !== undefined && state === undefined) {
    return fail("--resource reads the demo's local account: add --local (or --state DIR), or give --item FILE", EXIT.usage); // prettier-ignore
  }
  if ((opts.item === undefined) === (opts.resource === undefined)) {
    return fail("give the resource: --item FILE (a Config item), or --local --resource ID", EXIT.usage);
  }
  const pack = loadPack(
    {
      policy: [policyId],
      ...(opts.policies ? { policies: opts.policies } : {}),
      ...(opts.pack ? { pack: opts.pack } : {}),
      ...(opts.builtin === false ? { builtin: false } : {}),
      ...(opts.exemptions ? { exemptions: opts.exemptions } : {}),
    },
    (l) => process.stderr.write(l + "\n"),
  );
  if (pack.problems.length > 0) return EXIT.usage;
  const compiled = pack.policies.find((p) => p.policy.id === policyId);
  if (!compiled) return fail(`no policy "${policyId}" (run \`guardrail explain\` for the list)`, EXIT.usage);
  const remediation = compiled.policy.remediation;
  if (!remediation) return fail(`policy ${policyId} has no remediation: its violations are reported only`, EXIT.usage);

  const types = resourceTypesOf(compiled.policy);
  let resource: Resource;
  if (opts.resource !== undefined && state !== undefined) {
    let found: Awaited<ReturnType<typeof import("../../lib/local/remediation").localConfigItem>>;
    try {
      const { localConfigItem } = await import("../../lib/local/remediation");
      found = await localConfigItem(state, opts.resource, types);
    } catch (e) {
      const code = await localFailure(e);
      if (code !== undefined) return code;
      throw e;
    }
    if (!found.item) {
      return fail(
        found.candidates === 0
          ? `no ${types.join(" or ")} "${opts.resource}" in the local account (${state})`
          : `"${opts.resource}" names ${found.candidates} resources in the local account (${state}): give its ARN`,
        EXIT.usage,
      );
    }
    const adapter = adapterFor(found.item.resourceType);
    if (!adapter) return fail(`no adapter for resource type ${found.item.resourceType}`, EXIT.incomplete);
    resource = resourceFromConfigItem(adapter, found.item);
  } else {
    const file = opts.item as string;
    const read = readJson(file);
    if (read.error !== undefined) return fail(read.error, EXIT.incomplete);
    try {
      const item = toConfigItem(itemOf(read.value));
      const adapter = adapterFor(item.resourceType);
      if (!adapter) return fail(`${file}: no adapter for resource type ${item.resourceType}`, EXIT.incomplete);
      resource = resourceFromConfigItem(adapter, item);
    } catch (e) {
      if (e instanceof ConfigItemError) return fail(`${file}: ${e.message}`, EXIT.incomplete);
      throw e;
    }
  }
  if (!types.includes(resource.type)) {
    return fail(
      `policy ${policyId} judges ${types.join(", ") || "CloudTrail records"}, not ${resource.type}`,
      EXIT.usage,
    );
  }

  const evaluation = pack.engine.evaluatePolicy(compiled, resource);
  const head = {
    policy: policyId,
    resource: { type: resource.type, id: resource.id, accountId: resource.accountId, region: resource.region },
    compliance: evaluation.compliance,
    ...(evaluation.annotation ? { annotation: evaluation.annotation } : {}),
    action: remediation.action,
    mode: remediation.mode,
  };
  if (evaluation.compliance !== "NON_COMPLIANT") {
    out({ ...head, calls: [], note: `nothing to do: ${evaluation.compliance}` });
    return EXIT.ok;
  }
  let runtime: RemediationParams;
  try {
    runtime = parseParams(opts.param);
  } catch (e) {
    return fail((e as Error).message, EXIT.usage);
  }
  try {
    const planned = planRemediation(remediation, resource, runtime);
    out({
      ...head,
      params: planned.params,
      calls: planned.calls,
      ...(planned.calls.length === 0 ? { note: "the action plans no call: a person must look" } : {}),
    });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof PlanError) {
      const hint = /stageNames/.test(e.message) ? " (give the stages: --param 'stageNames=[\"prod\"]')" : "";
      return fail(`cannot plan: ${e.message}${hint}`, EXIT.findings);
    }
    if (e instanceof Error && /unknown remediation action/.test(e.message)) return fail(e.message, EXIT.usage);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// approve

export interface ApproveCommandOptions extends LocalOptions {
  region?: string;
  approvedBy?: string;
  bucket?: string;
  topicArn?: string;
}

/**
 * Who approves: the caller's STS identity (GetCallerIdentity ARN, through the one client factory), else
 * --approved-by, else $USER. GetCallerIdentity needs no permission, so it fails only without usable credentials.
 */
export async function callerIdentity(
  opts: ApproveCommandOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ approvedBy?: string; source: string }> {
  try {
    const [{ clientFor }, { service: sts }, { GetCallerIdentityCommand }] = await Promise.all([
      import("../../lib/aws/clients"),
      import("../../lib/aws/services/sts"),
      import("@aws-sdk/client-sts"),
    ]);
    const who = await clientFor(sts, opts.region).send(new GetCallerIdentityCommand({}));
    if (who.Arn) return { approvedBy: who.Arn, source: "sts" };
  } catch (e) {
    process.stderr.write(`guardrail: STS GetCallerIdentity failed (${errText(e)}); using --approved-by / $USER\n`);
  }
  if (opts.approvedBy?.trim()) return { approvedBy: opts.approvedBy.trim(), source: "--approved-by" };
  if (env.USER?.trim()) return { approvedBy: env.USER.trim(), source: "$USER" };
  return { source: "none" };
}

export async function remediationApproveCommand(recordId: string, opts: ApproveCommandOptions): Promise<number> {
  const { parseRecordId } = await import("../../lib/remediation/worker/decide");
  if (!parseRecordId(recordId)) {
    return fail(`"${recordId}" is not a remediation record id (yyyy-mm-dd_account_region_hex)`, EXIT.usage);
  }
  const state = localState(opts);
  if (state !== undefined) {
    if (opts.bucket || opts.topicArn || opts.region) {
      return fail("--local (or --state) approves in the demo's local account: drop --bucket, --topic-arn and --region", EXIT.usage); // prettier-ignore
    }
    return approveLocalCommand(recordId, state, opts);
  }
  const bucket = opts.bucket ?? process.env.AUDIT_BUCKET;
  if (!bucket) return fail(`no audit bucket: pass --bucket or set AUDIT_BUCKET${localHint()}`, EXIT.usage);
  if (!opts.topicArn && !process.env.GUARDRAIL_REQUEST_TOPIC_ARN && !process.env.REMEDIATION_TOPIC_ARN) {
    return fail("no topic: pass --topic-arn or set GUARDRAIL_REQUEST_TOPIC_ARN", EXIT.usage);
  }
  // The SNS client of approveRemediation takes its region from the environment.
  if (opts.region) process.env.AWS_REGION = opts.region;
  const who = await callerIdentity(opts);
  if (!who.approvedBy) return fail("who approves? pass --approved-by (no STS client, no $USER)", EXIT.usage);

  const { approveRemediation, ApprovalError } = await import("../../lib/remediation/worker/approve");
  const { S3RecordStore } = await import("../../lib/remediation/worker/s3-records");
  try {
    const result = await approveRemediation(recordId, {
      approvedBy: who.approvedBy,
      records: new S3RecordStore(bucket, opts.region ? { region: opts.region } : {}),
      ...(opts.topicArn ? { topicArn: opts.topicArn } : {}),
    });
    out({
      released: recordId,
      approvedBy: result.release.approvedBy,
      approvedBySource: who.source,
      approvedAt: result.release.approvedAt,
      messageId: result.messageId,
      policy: result.record.policy.id,
      resource: result.record.resource,
      plan: result.plan,
      note: "the worker re-plans and fixes only if the plan still equals this one (else approval-stale)",
    });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ApprovalError) return fail(e.message, EXIT.findings);
    return fail(`approve ${recordId}: ${errText(e)}`, EXIT.incomplete);
  }
}

/**
 * Approve in the local account: the release goes to the local topic and the worker (the deployed handler) fixes,
 * verifies and records, as in AWS. Approved-by is --approved-by, else $USER: no STS there.
 */
async function approveLocalCommand(recordId: string, state: string, opts: ApproveCommandOptions): Promise<number> {
  const approvedBy = opts.approvedBy?.trim() || process.env.USER?.trim() || loginName();
  if (!approvedBy) return fail("who approves? pass --approved-by (no $USER, no login name)", EXIT.usage);
  const [local, { ApprovalError }] = await Promise.all([
    import("../../lib/local/remediation"),
    import("../../lib/remediation/worker/approve"),
  ]);
  try {
    const { record, file } = await local.readLocalRecord(state, recordId);
    if (!record) return fail(`no remediation record ${recordId} in the local account (${file})`, EXIT.usage);
    const result = await local.approveLocal(state, recordId, approvedBy);
    const done = result.outcomes.find((o) => o.status === "succeeded");
    const last = done ?? result.outcomes[result.outcomes.length - 1];
    out({
      released: recordId,
      local: state,
      approvedBy: result.release.approvedBy,
      approvedAt: result.release.approvedAt,
      policy: result.record.policy.id,
      resource: result.record.resource,
      plan: result.plan,
      outcome: last
        ? { recordId: last.recordId, outcome: last.outcome, status: last.status, reason: last.reason, calls: last.calls } // prettier-ignore
        : null,
      ...(done ? { undo: `guardrail remediation undo ${done.recordId}${localFlags(state)}` } : {}),
    });
    if (done) return EXIT.ok;
    return fail(
      `approve ${recordId}: the worker did not fix it: ${last ? `${last.outcome}: ${last.reason}` : (result.skipped[0]?.reason ?? "no outcome")}`,
      EXIT.findings,
    );
  } catch (e) {
    if (e instanceof ApprovalError) return fail(e.message, EXIT.findings);
    const code = await localFailure(e);
    if (code !== undefined) return code;
    throw e;
  }
}

/** The operating system's name for the user (containers often have no $USER), or undefined. */
function loginName(): string | undefined {
  try {
    return userInfo().username.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The flags that point a printed command at the same local state. */
export function localFlags(state: string): string {
  return state === DEFAULT_STATE ? " --local" : ` --state ${/^[\w./-]+$/.test(state) ? state : JSON.stringify(state)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// undo

export interface UndoOptions extends LocalOptions {
  dryRun?: boolean;
  force?: boolean;
  region?: string;
  bucket?: string;
  /** Extension packs whose action, describe and service the record may name (with guardrail.config.json's). */
  pack?: string[];
}

/** Key-order-insensitive JSON equality. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    isObject(v) && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/** Top-level document keys whose values differ. */
export function differingKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => canonical(a[k]) !== canonical(b[k]));
}

async function readRecord(
  ref: string,
  opts: UndoOptions,
): Promise<{ record?: RemediationRecord; source?: string; code?: number }> {
  if (ref.endsWith(".json") || existsSync(ref)) {
    const read = readJson(ref);
    if (read.error !== undefined) return { code: fail(read.error, EXIT.incomplete) };
    if (!isObject(read.value) || read.value.recordVersion !== 1) {
      return { code: fail(`${ref}: not a remediation record (recordVersion 1)`, EXIT.incomplete) };
    }
    return { record: read.value as unknown as RemediationRecord, source: ref };
  }
  const { parseRecordId } = await import("../../lib/remediation/worker/decide");
  if (!parseRecordId(ref)) {
    return {
      code: fail(`"${ref}" is neither a record file nor a record id (yyyy-mm-dd_account_region_hex)`, EXIT.usage),
    };
  }
  const state = localState(opts);
  if (state !== undefined) {
    try {
      const { readLocalRecord } = await import("../../lib/local/remediation");
      const { record, file } = await readLocalRecord(state, ref);
      if (!record) return { code: fail(`no remediation record ${ref} in the local account (${file})`, EXIT.usage) };
      return { record, source: file };
    } catch (e) {
      const code = await localFailure(e);
      if (code !== undefined) return { code };
      throw e;
    }
  }
  const bucket = opts.bucket ?? process.env.AUDIT_BUCKET;
  if (!bucket) return { code: fail(`no audit bucket: pass --bucket or set AUDIT_BUCKET${localHint()}`, EXIT.usage) };
  const { S3RecordStore } = await import("../../lib/remediation/worker/s3-records");
  const store = new S3RecordStore(bucket, opts.region ? { region: opts.region } : {});
  try {
    const record = await store.get(ref);
    if (!record) return { code: fail(`no remediation record ${ref} (${store.uriOf(ref)})`, EXIT.usage) };
    return { record, source: store.uriOf(ref) };
  } catch (e) {
    return { code: fail(`reading ${store.uriOf(ref)}: ${errText(e)}`, EXIT.incomplete) };
  }
}

/** Puts a remediated resource back to the record's `before` state (only what the fix changed). */
export async function remediationUndoCommand(ref: string, opts: UndoOptions): Promise<number> {
  const state = localState(opts);
  if (state !== undefined && (opts.bucket || opts.region)) {
    return fail("--local (or --state) undoes in the demo's local account: drop --bucket and --region", EXIT.usage);
  }
  // A pack's fix is undone with its own action, describe and SDK client: registered in full.
  const { extensionPacks = [] } = packSpec({ ...(opts.pack ? { pack: opts.pack } : {}) });
  if (extensionPacks.length > 0) {
    const { loadExtensionPack, ExtensionPackError } = await import("../../lib/pack/extensions");
    try {
      for (const dir of extensionPacks) loadExtensionPack(dir, { aws: true });
    } catch (e) {
      if (e instanceof ExtensionPackError) return fail(e.message, EXIT.usage);
      throw e;
    }
  }
  const read = await readRecord(ref, opts);
  if (!read.record) return read.code ?? EXIT.incomplete;
  const record = read.record;
  const id = record.recordId ?? ref;
  const action = record.policy?.action;
  if (!action) return fail(`record ${id}: its policy names no remediation action`, EXIT.usage);
  if (!record.before || !record.after) {
    return fail(
      `record ${id} (${record.outcome}): nothing to undo, the record has no ${record.before ? "after" : "before"} state` +
        (record.outcome === "partially-applied" ? "; its results list the calls that were applied" : ""),
      EXIT.findings,
    );
  }
  const before: Resource = record.before;
  const after: Resource = record.after;
  if (state === undefined) return undoRecord(id, read.source, before, after, record, action, opts);
  const { withLocalAccount } = await import("../../lib/local/remediation");
  try {
    return await withLocalAccount(state, after.accountId, () => undoRecord(id, read.source, before, after, record, action, opts)); // prettier-ignore
  } catch (e) {
    const code = await localFailure(e);
    if (code !== undefined) return code;
    throw e;
  }
}

/** The live check, the restore plan and (unless --dry-run) its calls, through the one client factory. */
async function undoRecord(
  id: string,
  source: string | undefined,
  before: Resource,
  after: Resource,
  record: RemediationRecord,
  actionName: string,
  opts: UndoOptions,
): Promise<number> {
  let liveCheck: string;
  if (opts.force) {
    liveCheck = "skipped (--force)";
  } else {
    const { describeResource } = await import("../../lib/resources/describe");
    const refOf: ResourceRef = {
      type: after.type,
      id: after.id,
      region: opts.region ?? after.region,
      accountId: after.accountId,
      ...(after.arn ? { arn: after.arn } : {}),
    };
    let live: Resource | undefined;
    try {
      live = await describeResource(refOf);
    } catch (e) {
      return fail(
        `cannot describe ${after.type} ${after.id} to check it still matches the record: ${errText(e)} ` +
          "(--force skips the check)",
        EXIT.incomplete,
      );
    }
    if (!live) return fail(`${after.type} ${after.id} no longer exists: nothing to put back`, EXIT.findings);
    const changed = differingKeys(live.document, after.document);
    if (changed.length > 0) {
      return fail(
        `${after.type} ${after.id} changed since the fix (${changed.join(", ")} differ from the record's after ` +
          "state): undo refused, it would overwrite that change (--force puts the record's before state back anyway)",
        EXIT.findings,
      );
    }
    liveCheck = "the live resource matches the record's after state";
  }

  let calls: AwsCall[];
  let actionId: string;
  try {
    const action = requireAction(actionName);
    actionId = action.id;
    calls = action.restore(before, after, record.policy.params ?? {});
  } catch (e) {
    if (e instanceof PlanError) return fail(`cannot plan the restore: ${e.message}`, EXIT.findings);
    if (e instanceof Error && /unknown remediation action/.test(e.message)) return fail(e.message, EXIT.usage);
    throw e;
  }
  const head = {
    record: id,
    source,
    action: actionId,
    resource: { type: before.type, id: before.id, accountId: before.accountId, region: before.region },
    liveCheck,
  };
  if (calls.length === 0) {
    out({ ...head, dryRun: opts.dryRun === true, calls: [], note: "nothing to restore: before and after agree" });
    return EXIT.ok;
  }
  const { execute } = await import("../../lib/remediation/executor");
  const report = await execute(calls, { dryRun: opts.dryRun === true, region: opts.region ?? before.region });
  out({ ...head, dryRun: report.dryRun, ok: report.ok, calls, results: report.results });
  if (!report.ok) {
    const f = report.failure;
    return fail(
      f
        ? `restore call ${f.index + 1} (${f.call.service}:${f.call.operation}) failed: ${f.error.name}: ${f.error.message}`
        : "restore failed",
      EXIT.findings,
    );
  }
  return EXIT.ok;
}
