import { serviceModules } from "../aws/registry";
import { resourceAdapters } from "../resources/registry";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { RemediationMode } from "../policy/types";
import type { OutcomeMessage } from "../remediation/worker/outcome";
import { isObject, type JsonObject } from "../util/json";
import { packageRoot } from "../util/package-root";
import type { CallContext, ItemRef, LocalAccountApi, Principal } from "./account/contract";
import { guardrailRole, principalCatalogue } from "./account/principals";
import { VirtualClock } from "./clock";
import { LocalConfig, type LocalConfigRule, type StoredEvaluation } from "./config/service";
import { LocalTable } from "./dynamodb";
import { guardrailEventRules, LocalEventBus } from "./eventbridge/bus";
import { logTo, withHandlerConsole, type LogEntry } from "./logs";
import { LocalTopic } from "./messaging/sns";
import { LocalQueue } from "./messaging/sqs";
import { LocalBucket } from "./objects";

/**
 * The whole detect-and-remediate loop on the local account, with Guardrail's handlers unchanged:
 *   a call served by the account → its CloudTrail record → the "AWS API Call via CloudTrail" event on the local
 *   bus → the generated rules (deploy/event-rules.js) → events/cloudtrail.ts → SNS topic → remediation queue
 *   (SNS envelope) → remediations/worker.ts as the remediation role → fix, verify, record in the audit bucket;
 *   and the changed item → Config change notification → rules/config-rule.ts → PutEvaluations → a compliance
 *   change → "Config Rules Compliance Change" → events/cloudtrail.ts (the same topic and queue).
 * Lambda semantics kept: EventBridge and Config invoke asynchronously (two retries, then the async-failure DLQ);
 * SQS with visibility timeout, receive count, partial batch responses and redrive (maxReceiveCount 5, as
 * deploy/queues.js). Time is a VirtualClock: deferrals and timeouts advance it instead of waiting.
 */

export interface LoopOptions {
  account: LocalAccountApi;
  mode: RemediationMode;
  stage?: string;
  clock?: VirtualClock;
  /** At-least-once delivery made visible: every SQS message is delivered twice. */
  deliverTwice?: boolean;
  /** GUARDRAIL_FIXES_PER_MINUTE (default 10, as deployed). */
  fixesPerMinute?: number;
  /** Handler logs (Powertools JSON lines); default <state>/logs/handlers.log. */
  logFile?: string;
  /** POWERTOOLS_LOG_LEVEL of the handlers (default INFO, as deployed). */
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";
  /** Accounts Guardrail is deployed in besides the fleet's (`guardrail replay` of another account's event). */
  accounts?: string[];
  /** Keep every outcome in `outcomes` (default true; the bench turns it off to keep memory flat). */
  keepOutcomes?: boolean;
  onActivity?: (a: Activity) => void;
}

export type Activity =
  | {
      kind: "detected";
      source: "cloudtrail" | "config";
      correlationId: string;
      requests: number;
      alerts: number;
      ignored?: string;
    }
  | { kind: "outcome"; outcome: OutcomeMessage; latencyMs?: number }
  | {
      kind: "dead-letter";
      queue: string;
      messageId: string;
      body: string;
      /** The last error the function logged for this message (its Powertools log line), when it logged one. */
      reason?: string;
    }
  | { kind: "invocation-failed"; function: string; error: string; final: boolean }
  /** A message Guardrail published to its topic: a remediation request or an alert (its `kind` attribute). */
  | { kind: "published"; messageKind: string; policyId?: string; subject?: string; body: string };

interface Handlers {
  events: (
    event: unknown,
    context: Context,
  ) => Promise<{ requests: number; alerts: number; ignored?: string; correlationId: string }>;
  config: (event: unknown, context: Context) => Promise<unknown>;
  worker: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  sweep: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  configureWorker: (replace: Record<string, unknown>) => void;
  configureDetector: (options: { now?: () => Date }) => void;
  approve: typeof import("../remediation/worker/approve").approveRemediation;
  recordStore: (bucket: string) => import("../remediation/worker/s3-records").RecordStore;
  resetClients: () => void;
}

/** The deployed functions (serverless.yml's keys) and their timeouts (deploy/functions.js). */
export type FunctionKey = "configRule" | "sweepWorker" | "cloudTrailEvents" | "remediationWorker";
const FUNCTION_TIMEOUTS = (): Record<FunctionKey, number> =>
  (
    createRequire(join(packageRoot(), "package.json"))("./deploy/functions.js") as {
      timeouts: Record<FunctionKey, number>;
    }
  ).timeouts;

const MAX_RECEIVE_COUNT = 5;
/** Changes waiting for their outcome, for the latency figures (far more than a run has in flight). */
const MAX_OPEN_CHANGES = 10_000;
const ASYNC_RETRIES = 2;

/** The state the loop exposes to the demo, the tests and the bench. */
export interface LoopCounts {
  records: number;
  eventsMatched: number;
  detections: number;
  requests: number;
  alerts: number;
  outcomes: Record<string, number>;
  deadLettered: number;
  configInvocations: number;
}

/**
 * CloudTrail eventSource → the resource type prefix of that service (`AWS::SQS::`), from the adapters (their
 * `service` is the service module's name, whose eventSource the record carries).
 */
let prefixBySource: Map<string, Set<string>> | undefined;
function typePrefixesOf(eventSource: string): Set<string> | undefined {
  if (!prefixBySource) {
    prefixBySource = new Map();
    const modules = serviceModules();
    for (const a of resourceAdapters().values()) {
      const source = modules.get(a.service)?.service.eventSource;
      if (!source) continue;
      if (!prefixBySource.has(source)) prefixBySource.set(source, new Set());
      prefixBySource.get(source)?.add(a.type.slice(0, a.type.lastIndexOf("::") + 2));
    }
  }
  return prefixBySource.get(eventSource);
}

export class LocalLoop {
  readonly clock: VirtualClock;
  readonly stage: string;
  readonly accountId: string;
  readonly region: string;
  readonly bus = new LocalEventBus();
  readonly config: LocalConfig;
  readonly topic: LocalTopic;
  readonly remediationQueue: LocalQueue;
  readonly remediationDlq: LocalQueue;
  readonly sweepQueue: LocalQueue;
  readonly sweepDlq: LocalQueue;
  readonly asyncFailures: LocalQueue;
  readonly table: LocalTable;
  readonly bucket: LocalBucket;
  readonly remediationRoleArn: string;
  readonly outcomes: OutcomeMessage[] = [];
  readonly counts: LoopCounts = {
    records: 0,
    eventsMatched: 0,
    detections: 0,
    requests: 0,
    alerts: 0,
    outcomes: {},
    deadLettered: 0,
    configInvocations: 0,
  };
  /** Detect-to-fix latencies (ms of real time from the CloudTrail record to the verified fix). */
  readonly latencies: number[] = [];
  /**
   * Handler invocations and their real time (ms, everything they call included), by function: what the loop
   * bench attributes to the handlers.
   */
  readonly invocationTimes: Record<FunctionKey, { calls: number; ms: number }> = {
    configRule: { calls: 0, ms: 0 },
    sweepWorker: { calls: 0, ms: 0 },
    cloudTrailEvents: { calls: 0, ms: 0 },
    remediationWorker: { calls: 0, ms: 0 },
  };

  private readonly pendingRecords: JsonObject[] = [];
  private readonly pendingEvents: { fn: "events"; event: Record<string, unknown>; accountId: string }[] = [];
  private readonly pendingConfig: {
    event: ReturnType<LocalConfig["scheduledInvocation"]>;
    accountId: string;
    region: string;
  }[] = [];
  private readonly startedAt = new Map<string, number>();
  /** The last error each SQS message's handler logged (by messageId), so a dead letter can say why. */
  private readonly lastErrors = new Map<string, string>();
  private timeouts?: Record<FunctionKey, number>;
  private readonly fingerprints = new Map<string, string>();
  /** Items written since their service's last record (resource types some rule is scoped to), by itemKey. */
  private readonly written = new Map<string, ItemRef>();
  private handlers?: Handlers;
  private detach?: () => void;
  private stopRecords?: () => void;
  private stopItems?: () => void;
  private closeLog?: () => Promise<void>;
  private savedEnv: Record<string, string | undefined> = {};

  constructor(private readonly opts: LoopOptions) {
    const account = opts.account;
    this.clock = opts.clock ?? new VirtualClock();
    this.stage = opts.stage ?? "local";
    this.accountId = account.accountId;
    this.region = account.region;
    const q = (name: string, extra: Partial<ConstructorParameters<typeof LocalQueue>[0]> = {}) =>
      new LocalQueue(
        { name, accountId: this.accountId, region: this.region, visibilityTimeoutSeconds: 30, ...extra },
        this.clock,
      );
    const prefix = `guardrail-${this.stage}`;
    this.remediationDlq = q(`${prefix}-RemediationDlq`);
    this.sweepDlq = q(`${prefix}-SweepDlq`);
    this.asyncFailures = q(`${prefix}-AsyncFailuresDlq`);
    // Visibility: six times the functions' timeouts (deploy/queues.js); 6 × 60 s.
    this.remediationQueue = q(`${prefix}-RemediationQueue`, {
      visibilityTimeoutSeconds: 360,
      redrive: { deadLetter: this.remediationDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
      deliverTwice: opts.deliverTwice,
    });
    this.sweepQueue = q(`${prefix}-SweepQueue`, {
      visibilityTimeoutSeconds: 360,
      redrive: { deadLetter: this.sweepDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
      deliverTwice: opts.deliverTwice,
    });
    this.topic = new LocalTopic(`${prefix}-remediation`, this.accountId, this.region, this.clock);
    this.topic.subscribe(this.remediationQueue);
    this.table = new LocalTable(`${prefix}-idempotency`, "id", {
      attribute: "expiration",
      now: () => this.clock.millis(),
    });
    this.bucket = new LocalBucket(`${prefix}-audit-${this.accountId}`, account.stateDir);
    this.remediationRoleArn = roleArnOf(this.accountId);
    this.config = new LocalConfig({
      accountId: this.accountId,
      region: this.region,
      stage: this.stage,
      clock: this.clock,
      items: account,
      onEvent: (e) => this.putEvent(e),
    });
  }

  /** The remediation role of an account (its calls are excluded from detection). */
  private roleOf(accountId: string): Principal {
    return guardrailRole(accountId);
  }

  /** Sets the environment, imports the handlers, registers the infrastructure services, attaches the account. */
  async start(): Promise<void> {
    const account = this.opts.account;
    this.setEnv({
      AWS_REGION: this.region,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID || "AKIAGUARDRAILLOCAL00",
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY || "guardrail-local-mode-not-a-secret",
      GUARDRAIL_AWS_ENDPOINT: undefined,
      POWERTOOLS_DEV: "true",
      POWERTOOLS_METRICS_DISABLED: "true",
      POWERTOOLS_TRACE_ENABLED: "false",
      POWERTOOLS_LOG_LEVEL: this.opts.logLevel ?? "INFO",
      REMEDIATION_TOPIC_ARN: this.topic.arn,
      GUARDRAIL_REMEDIATION_ROLE_ARN: this.remediationRoleArn,
      AUDIT_BUCKET: this.bucket.name,
      IDEMPOTENCY_TABLE: this.table.name,
      GUARDRAIL_REMEDIATION_MODE: this.opts.mode,
      GUARDRAIL_VERIFY_DELAYS_SECONDS: "0,5,20",
      GUARDRAIL_FIXES_PER_MINUTE: String(this.opts.fixesPerMinute ?? 10),
      SWEEP_QUEUE_URL: this.sweepQueue.url,
      GUARDRAIL_CENTRAL_AUDIT_BUCKET: undefined,
      GUARDRAIL_EVENT_BUS: undefined,
    });
    this.closeLog = logTo(this.opts.logFile ?? join(account.stateDir, "logs", "handlers.log"), (e) =>
      this.onLogEntry(e),
    );
    this.timeouts = FUNCTION_TIMEOUTS();
    this.handlers = await withHandlerConsole(loadHandlers);
    this.handlers.resetClients();
    this.handlers.configureWorker({
      now: () => this.clock.now(),
      sleep: (ms: number) => this.clock.sleep(ms),
    });
    // Detections stamped on the same clock as the changes and fixes: time to remediate is the account's, not the
    // laptop's, so one seed gives one set of figures.
    this.handlers.configureDetector({ now: () => this.clock.now() });
    this.registerServices();
    // Guardrail is deployed in every account of the fleet: each account's rules exclude its own remediation role.
    for (const accountId of this.accountsOfFleet()) {
      // each account's own role (role names carry a CloudFormation suffix that differs by account)
      const arn = roleArnOf(accountId);
      for (const rule of guardrailEventRules(this.stage, arn)) {
        if (rule.kind === "compliance" && accountId !== this.accountId) continue;
        const inAccount = {
          matches: (e: unknown) => (e as { account?: string }).account === accountId && rule.pattern.matches(e),
        };
        this.bus.addRule({ ...rule, pattern: { source: rule.pattern.source, ...inAccount } }, (event) =>
          this.pendingEvents.push({ fn: "events", event, accountId }),
        );
      }
    }
    this.snapshotFingerprints();
    const ruleTypes = new Set(this.config.rules.flatMap((r) => r.resourceTypes));
    this.stopItems = account.onItemChange((ref) => {
      if (ruleTypes.has(ref.resourceType)) this.written.set(itemKey(ref), ref);
    });
    this.detach = account.attach();
    this.stopRecords = account.onRecord((r) => {
      this.pendingRecords.push(r);
      const id = typeof r.eventID === "string" ? r.eventID : undefined;
      // A team's change starts the detect-to-fix clock (reads and Guardrail's own calls do not).
      if (id && r.readOnly === false && !r.errorCode && !isGuardrail(r)) {
        this.startedAt.set(id, performance.now());
        // Changes that break nothing never see an outcome: the oldest are forgotten first.
        if (this.startedAt.size > MAX_OPEN_CHANGES) this.startedAt.delete(this.startedAt.keys().next().value as string);
      }
    });
  }

  /** A worker's log line about one message: its last error is the reason if the message dead-letters. */
  private onLogEntry(e: LogEntry): void {
    if (e.level !== "ERROR" || typeof e.messageId !== "string") return;
    const err = e.error as { name?: unknown; message?: unknown } | undefined;
    const why = err && typeof err.message === "string" ? `${String(err.name ?? "Error")}: ${err.message}` : undefined;
    this.lastErrors.set(e.messageId, why ?? String(e.reason ?? e.message ?? "failed"));
  }

  /**
   * The Lambda context each invocation gets (as the Lambda runtime passes it): Powertools reads the remaining
   * time (idempotency's in-progress expiry) and the function's name and request id (log keys). Real time, like
   * Lambda's deadline: the virtual clock does not shorten an invocation.
   */
  lambdaContext(fn: FunctionKey, accountId = this.accountId, region = this.region): Context {
    const timeoutMs = ((this.timeouts ?? FUNCTION_TIMEOUTS())[fn] ?? 60) * 1000;
    const deadline = Date.now() + timeoutMs;
    const functionName = `guardrail-${this.stage}-${fn}`;
    const unsupported = () => {
      throw new Error("callback-style completion is not used by Guardrail's handlers");
    };
    return {
      callbackWaitsForEmptyEventLoop: true,
      functionName,
      functionVersion: "$LATEST",
      invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
      memoryLimitInMB: "1024",
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: `${this.clock.now().toISOString().slice(0, 10).replace(/-/g, "/")}/[$LATEST]local`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: unsupported,
      fail: unsupported,
      succeed: unsupported,
    };
  }

  private accountsOfFleet(): string[] {
    return [
      ...new Set([
        this.accountId,
        ...this.opts.account.configItems().map((i) => i.accountId),
        ...(this.opts.accounts ?? []),
      ]),
    ];
  }

  private accountRegions(): { accountId: string; region: string }[] {
    const seen = new Map<string, { accountId: string; region: string }>();
    for (const i of this.opts.account.configItems())
      seen.set(`${i.accountId}|${i.region}`, { accountId: i.accountId, region: i.region });
    return [...seen.values()];
  }

  private setEnv(values: Record<string, string | undefined>): void {
    for (const [k, v] of Object.entries(values)) {
      if (!(k in this.savedEnv)) this.savedEnv[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }

  private registerServices(): void {
    const a = this.opts.account;
    a.serve("Config Service", "PutEvaluations", (input) => this.config.putEvaluations(input));
    a.serve("Config Service", "GetComplianceDetailsByConfigRule", (input) => this.config.complianceDetails(input));
    a.serve("Config Service", "GetResourceConfigHistory", (input) => this.config.getResourceConfigHistory(input));
    a.serve("Config Service", "BatchGetResourceConfig", (input) => this.config.batchGetResourceConfig(input));
    a.serve("Config Service", "ListDiscoveredResources", (input, call) =>
      this.config.listDiscoveredResources(input, { accountId: call.accountId, region: call.region }),
    );
    a.serve("SNS", "Publish", (input) => {
      const out = this.topic.publish(input);
      if (this.opts.onActivity) this.opts.onActivity(publishedActivity(input));
      return out;
    });
    a.serve("SQS", "SendMessageBatch", (input) => this.sendBatch(input));
    a.serve("SQS", "SendMessage", (input) => this.queueOf(String(input.QueueUrl)).send(String(input.MessageBody)));
    a.serve("SQS", "ChangeMessageVisibility", (input) => {
      this.queueOf(String(input.QueueUrl)).changeVisibility(
        String(input.ReceiptHandle),
        Number(input.VisibilityTimeout),
      );
      return {};
    });
    a.serve("EventBridge", "PutEvents", (input, call) => this.putEvents(input, call));
    a.serve("DynamoDB", "PutItem", (input) => this.table.putItem(input));
    a.serve("DynamoDB", "GetItem", (input) => this.table.getItem(input));
    a.serve("DynamoDB", "UpdateItem", (input) => this.table.updateItem(input));
    a.serve("DynamoDB", "DeleteItem", (input) => this.table.deleteItem(input));
    a.serve("S3", "PutObject", (input) => this.bucket.putObject(input));
    a.serve("S3", "GetObject", (input) => this.bucket.getObject(input));
  }

  private queueOf(url: string): LocalQueue {
    for (const q of [this.remediationQueue, this.sweepQueue]) if (q.url === url) return q;
    const e = new Error("The specified queue does not exist.");
    e.name = "QueueDoesNotExist";
    throw e;
  }

  private sendBatch(input: Record<string, unknown>) {
    const queue = this.queueOf(String(input.QueueUrl));
    const entries = (input.Entries ?? []) as { Id: string; MessageBody: string }[];
    return {
      Successful: entries.map((e) => ({ Id: e.Id, ...queue.send(e.MessageBody) })),
      Failed: [],
    };
  }

  private putEvents(input: Record<string, unknown>, call: CallContext) {
    const entries = (input.Entries ?? []) as Record<string, unknown>[];
    const out = entries.map((e) => {
      const id = randomUUID();
      let detail: unknown;
      try {
        detail = JSON.parse(String(e.Detail));
      } catch {
        return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
      }
      const event = {
        version: "0",
        id,
        "detail-type": e.DetailType,
        source: e.Source,
        account: call.accountId,
        time: (e.Time instanceof Date ? e.Time : this.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
        region: call.region,
        resources: e.Resources ?? [],
        detail,
      };
      this.putEvent(event);
      if (e.DetailType === "Guardrail Remediation Outcome" && isObject(detail))
        this.onOutcome(detail as unknown as OutcomeMessage);
      return { EventId: id };
    });
    return { FailedEntryCount: out.filter((o) => "ErrorCode" in o).length, Entries: out };
  }

  private putEvent(event: Record<string, unknown>): void {
    if (this.bus.put(event).length > 0) this.counts.eventsMatched++;
  }

  private onOutcome(o: OutcomeMessage): void {
    if (this.opts.keepOutcomes !== false || o.status === "awaiting-approval") this.outcomes.push(o);
    this.counts.outcomes[o.outcome] = (this.counts.outcomes[o.outcome] ?? 0) + 1;
    const started = this.startedAt.get(o.correlationId);
    const latencyMs = started !== undefined && o.status === "succeeded" ? performance.now() - started : undefined;
    if (latencyMs !== undefined) this.latencies.push(latencyMs);
    if (o.status !== "awaiting-approval") this.startedAt.delete(o.correlationId);
    this.opts.onActivity?.({ kind: "outcome", outcome: o, latencyMs });
  }

  private snapshotFingerprints(): void {
    for (const i of this.opts.account.configItems()) this.fingerprints.set(itemKey(i), fingerprint(i));
  }

  /**
   * Items of the record's service (in a rule's scope) whose version changed since last seen: Config's change
   * notifications. Only the items the account reported written are looked at, not every item of the service.
   */
  private changedItems(record: JsonObject) {
    const prefixes = typePrefixesOf(String(record.eventSource));
    if (!prefixes) return [];
    const changed = [];
    for (const [key, ref] of this.written) {
      let ours = false;
      for (const p of prefixes) if (ref.resourceType.startsWith(p)) ours = true;
      if (!ours) continue;
      this.written.delete(key);
      const item = this.opts.account.configItem(ref.resourceType, ref.resourceId, ref);
      if (!item) continue; // deleted: Config's deletion notifications are not modelled
      const f = fingerprint(item);
      if (this.fingerprints.get(key) === f) continue;
      this.fingerprints.set(key, f);
      changed.push(item);
    }
    return changed;
  }

  private handleRecord(record: JsonObject): void {
    this.counts.records++;
    // EventBridge (rule state ENABLED) does not deliver read-only management events.
    if (record.readOnly === true) return;
    this.putEvent(cloudTrailEvent(record));
    if (record.errorCode) return;
    for (const item of this.changedItems(record)) {
      for (const rule of this.config.rulesFor(item.resourceType)) {
        this.pendingConfig.push({
          event: this.config.changeInvocation(rule, item),
          accountId: item.accountId,
          region: item.region,
        });
      }
    }
  }

  // ---- entry points of `guardrail replay` -------------------------------------------------------------------

  /** Puts an event on the local bus (a recorded EventBridge event); returns the names of the rules it matched. */
  replayEvent(event: Record<string, unknown>): string[] {
    const hit = this.bus.put(event);
    if (hit.length > 0) this.counts.eventsMatched++;
    return hit.map((r) => r.name);
  }

  /** A recorded CloudTrail record, as EventBridge delivers it ("AWS API Call via CloudTrail"). */
  replayRecord(record: JsonObject): { event: Record<string, unknown>; rules: string[] } {
    const event = cloudTrailEvent(record);
    return { event, rules: this.replayEvent(event) };
  }

  /** A Config rule invocation, invoked as Config would (asynchronously, two retries) in `accountId`/`region`. */
  replayInvocation(event: ReturnType<LocalConfig["scheduledInvocation"]>, accountId: string, region: string): void {
    this.pendingConfig.push({ event, accountId, region });
  }

  /**
   * The periodic sweep: every Config rule's ScheduledNotification in every account and Region of the fleet.
   * Returns what the sweep found, as the Config console shows it once the rules have run and before Guardrail
   * acts on the compliance changes (which then run to the end, fixes included).
   */
  async sweep(): Promise<{ violations: StoredEvaluation[]; compliance: ReturnType<LocalConfig["complianceByRule"]> }> {
    for (const { accountId, region } of this.accountRegions()) {
      for (const rule of this.config.rules) {
        this.pendingConfig.push({ event: this.config.scheduledInvocation(rule, accountId), accountId, region });
      }
    }
    await this.drain({ configOnly: true });
    const found = { violations: this.config.violations(), compliance: this.config.complianceByRule() };
    await this.drain();
    return found;
  }

  /** Runs one call as `principal` (a team's change), then everything it sets off. */
  async play<T>(principal: Principal, call: () => Promise<T>): Promise<{ result?: T; error?: unknown }> {
    let outcome: { result?: T; error?: unknown };
    try {
      outcome = { result: await this.opts.account.as(principal, call) };
    } catch (error) {
      outcome = { error };
    }
    return outcome;
  }

  /** Runs one invocation of `fn` (as `principal`), adding its real time to invocationTimes. */
  private async timed<T>(fn: FunctionKey, principal: Principal, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await this.opts.account.as(principal, call);
    } finally {
      const t = this.invocationTimes[fn];
      t.calls++;
      t.ms += performance.now() - started;
    }
  }

  private async invokeAsync(
    name: string,
    fnKey: FunctionKey,
    principal: Principal,
    region: string,
    fn: () => Promise<unknown>,
    payload: unknown,
  ) {
    for (let attempt = 0; attempt <= ASYNC_RETRIES; attempt++) {
      const saved = process.env.AWS_REGION;
      const savedRole = process.env.GUARDRAIL_REMEDIATION_ROLE_ARN;
      process.env.AWS_REGION = region;
      // each account's functions have their own account's role in their environment
      const accountId = String((principal.userIdentity as { accountId?: unknown }).accountId ?? this.accountId);
      process.env.GUARDRAIL_REMEDIATION_ROLE_ARN = roleArnOf(accountId);
      try {
        return await this.timed(fnKey, principal, fn);
      } catch (e) {
        const final = attempt === ASYNC_RETRIES;
        this.opts.onActivity?.({ kind: "invocation-failed", function: name, error: errorText(e), final });
        if (final) {
          // Lambda's on-failure destination: the async-failures DLQ keeps the event.
          const { MessageId } = this.asyncFailures.send(JSON.stringify(payload));
          this.counts.deadLettered++;
          this.opts.onActivity?.({
            kind: "dead-letter",
            queue: this.asyncFailures.options.name,
            messageId: MessageId,
            body: JSON.stringify(payload),
          });
        }
        this.clock.advance(attempt === 0 ? 60_000 : 120_000);
      } finally {
        process.env.AWS_REGION = saved;
        if (savedRole === undefined) delete process.env.GUARDRAIL_REMEDIATION_ROLE_ARN;
        else process.env.GUARDRAIL_REMEDIATION_ROLE_ARN = savedRole;
      }
    }
    return undefined;
  }

  private async runEvents(item: { event: Record<string, unknown>; accountId: string }): Promise<void> {
    const h = this.handlers as Handlers;
    const region = String(item.event.region ?? this.region);
    const out = (await this.invokeAsync(
      "events",
      "cloudTrailEvents",
      this.roleOf(item.accountId),
      region,
      () => h.events(item.event, this.lambdaContext("cloudTrailEvents", item.accountId, region)),
      item.event,
    )) as Awaited<ReturnType<Handlers["events"]>> | undefined;
    if (!out) return;
    this.counts.detections++;
    this.counts.requests += out.requests;
    this.counts.alerts += out.alerts;
    const source = item.event["detail-type"] === "Config Rules Compliance Change" ? "config" : "cloudtrail";
    if (source === "config" && !this.startedAt.has(out.correlationId))
      this.startedAt.set(out.correlationId, performance.now());
    this.opts.onActivity?.({
      kind: "detected",
      source,
      correlationId: out.correlationId,
      requests: out.requests,
      alerts: out.alerts,
      ignored: out.ignored,
    });
  }

  /**
   * One poll of an SQS-triggered function; records are grouped by account and Region (each account's role runs its
   * own, as the function of the Region the resource is in: one stack per account and Region).
   */
  private async pollQueue(
    queue: LocalQueue,
    fn: (e: SQSEvent, context: Context) => Promise<SQSBatchResponse>,
    dlq: LocalQueue,
    fnKey: FunctionKey,
  ): Promise<boolean> {
    const before = dlq.depth().total;
    const records = queue.receive(10);
    const moved = dlq.depth().total - before;
    if (moved > 0) {
      this.counts.deadLettered += moved;
      for (const m of dlq.peek().slice(-moved)) {
        const reason = this.lastErrors.get(m.messageId);
        this.opts.onActivity?.({
          kind: "dead-letter",
          queue: dlq.options.name,
          messageId: m.messageId,
          body: m.body,
          ...(reason ? { reason } : {}),
        });
      }
    }
    if (records.length === 0) return moved > 0;
    const groups = new Map<string, SQSRecord[]>();
    for (const r of records) {
      const where = whereOfBody(r.body);
      const key = `${where?.accountId ?? this.accountId}|${where?.region ?? r.awsRegion}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, batch] of groups) {
      const [acct, region] = key.split("|") as [string, string];
      let response: SQSBatchResponse | undefined;
      try {
        response = await this.timed(fnKey, this.roleOf(acct), () =>
          fn({ Records: batch }, this.lambdaContext(fnKey, acct, region)),
        );
      } catch (e) {
        this.opts.onActivity?.({ kind: "invocation-failed", function: "sqs", error: errorText(e), final: false });
        continue; // the whole batch comes back after the visibility timeout
      }
      const failures = response?.batchItemFailures ?? [];
      const ids = new Set(batch.map((r) => r.messageId));
      if (failures.some((f) => !f.itemIdentifier || !ids.has(f.itemIdentifier))) continue;
      const failed = new Set(failures.map((f) => f.itemIdentifier));
      for (const r of batch) {
        if (failed.has(r.messageId)) continue;
        queue.delete(r.receiptHandle);
        this.lastErrors.delete(r.messageId);
      }
    }
    return true;
  }

  /** Runs everything pending until the pipeline is idle (advancing the clock over timeouts and deferrals). */
  async drain(options: { horizonMs?: number; configOnly?: boolean } = {}): Promise<void> {
    const h = this.handlers;
    if (!h) throw new Error("LocalLoop.start() first");
    const horizon = options.horizonMs ?? 2 * 3600_000;
    const limit = this.clock.millis() + horizon;
    for (let step = 0; step < 1_000_000; step++) {
      const record = this.pendingRecords.shift();
      if (record) {
        this.handleRecord(record);
        continue;
      }
      const inv = this.pendingConfig.shift();
      if (inv) {
        this.counts.configInvocations++;
        await this.invokeAsync(
          "config-rule",
          "configRule",
          this.roleOf(inv.accountId),
          inv.region,
          () => h.config(inv.event, this.lambdaContext("configRule", inv.accountId, inv.region)),
          inv.event,
        );
        continue;
      }
      if (await this.pollQueue(this.sweepQueue, h.sweep, this.sweepDlq, "sweepWorker")) continue;
      // configOnly (the sweep's first phase): the rules run and record their evaluations; the compliance changes
      // they emit wait on the bus for the next drain.
      const ev = options.configOnly ? undefined : this.pendingEvents.shift();
      if (ev) {
        await this.runEvents(ev);
        continue;
      }
      if (!options.configOnly) {
        if (await this.pollQueue(this.remediationQueue, h.worker, this.remediationDlq, "remediationWorker")) continue;
      }
      const waiting = options.configOnly ? [this.sweepQueue] : [this.remediationQueue, this.sweepQueue];
      const next = waiting
        .map((q) => q.nextVisibleAt())
        .filter((n): n is number => n !== undefined)
        .sort((x, y) => x - y)[0];
      if (next === undefined || next > limit) return;
      this.clock.advanceTo(next);
    }
    throw new Error("the local pipeline did not settle after 1,000,000 steps");
  }

  /** Releases every fix waiting for approval (what `guardrail remediation approve` does), as `approver`. */
  async approvePending(approvedBy: string): Promise<string[]> {
    const h = this.handlers as Handlers;
    const released = new Set(this.outcomes.filter((o) => o.approvedBy).map((o) => o.correlationId));
    const waiting = this.outcomes.filter((o) => o.status === "awaiting-approval" && !released.has(o.correlationId));
    const ids: string[] = [];
    for (const o of waiting) {
      const person = principalCatalogue(o.resource.accountId).console;
      await this.opts.account.as(person, () =>
        h.approve(o.recordId, {
          approvedBy,
          now: this.clock.now(),
          records: h.recordStore(this.bucket.name),
          topicArn: this.topic.arn,
        }),
      );
      ids.push(o.recordId);
    }
    await this.drain();
    return ids;
  }

  /**
   * Releases one fix waiting for approval, as `approvedBy` (a person of the resource's account), and runs the
   * pipeline until it is idle: what `guardrail remediation approve <id>` does against the local account. Returns
   * the release and the outcomes of the worker's run (the fix, or why not).
   */
  async approveOne(
    recordId: string,
    approvedBy: string,
  ): Promise<{ result: Awaited<ReturnType<Handlers["approve"]>>; outcomes: OutcomeMessage[] }> {
    const h = this.handlers as Handlers;
    const accountId = recordId.split("_")[1] ?? this.accountId;
    const before = this.outcomes.length;
    const result = await this.opts.account.as(principalCatalogue(accountId).console, () =>
      h.approve(recordId, {
        approvedBy,
        now: this.clock.now(),
        records: h.recordStore(this.bucket.name),
        topicArn: this.topic.arn,
      }),
    );
    await this.drain();
    return { result, outcomes: this.outcomes.slice(before) };
  }

  /** Pending work (for tests): records, events, invocations, and messages in the queues. */
  idle(): boolean {
    return (
      this.pendingRecords.length === 0 &&
      this.pendingEvents.length === 0 &&
      this.pendingConfig.length === 0 &&
      this.remediationQueue.depth().total === 0 &&
      this.sweepQueue.depth().total === 0
    );
  }

  /** Config rules, for the summary. */
  configRules(): LocalConfigRule[] {
    return this.config.rules;
  }

  /**
   * A flush point: the audit bucket's records and the CloudTrail records so far are on disk in the state directory
   * when it returns (a writer thread writes them meanwhile). Returns the trail files written since the last flush.
   */
  async flush(): Promise<string[]> {
    await this.bucket.flush();
    return this.opts.account.flushTrail();
  }

  async close(): Promise<void> {
    this.stopRecords?.();
    this.stopItems?.();
    this.detach?.();
    this.handlers?.configureWorker({});
    this.handlers?.configureDetector({});
    this.handlers?.resetClients();
    await this.closeLog?.();
    for (const [k, v] of Object.entries(this.savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    this.savedEnv = {};
    await this.bucket.close();
  }
}

async function loadHandlers(): Promise<Handlers> {
  const [events, config, worker, sweep, approve, records, clients] = await Promise.all([
    import("../../events/cloudtrail"),
    import("../../rules/config-rule"),
    import("../../remediations/worker"),
    import("../../rules/sweep-worker"),
    import("../remediation/worker/approve"),
    import("../remediation/worker/s3-records"),
    import("../aws/clients"),
  ]);
  return {
    events: (e, c) => events.handler(e, c),
    config: (e, c) => config.handler(e, c),
    worker: (e, c) => worker.handler(e, c),
    sweep: (e, c) => sweep.handler(e, c),
    configureWorker: (r) => worker.configureWorker(r),
    configureDetector: (o) => events.configureDetector(o),
    approve: approve.approveRemediation,
    recordStore: (bucket) => new records.S3RecordStore(bucket),
    resetClients: clients.resetClients,
  };
}

/**
 * The "AWS API Call via CloudTrail" event EventBridge delivers for a management event (EventBridge User Guide,
 * "Events from AWS services via AWS CloudTrail"): the record is the detail; the account is the recipient's.
 */
export function cloudTrailEvent(record: JsonObject): Record<string, unknown> {
  const source = String(record.eventSource ?? "").replace(/\.amazonaws\.com$/, "");
  const identity = (record.userIdentity ?? {}) as { accountId?: unknown };
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "AWS API Call via CloudTrail",
    source: `aws.${source}`,
    account: record.recipientAccountId ?? identity.accountId,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}

/** One item's place: type, account, Region and id (names repeat across the fleet's accounts). */
function itemKey(i: ItemRef): string {
  return `${i.resourceType}\n${i.accountId}\n${i.region}\n${i.resourceId}`;
}

function fingerprint(i: { captureTime?: string; configurationStateId?: string; status: string }): string {
  return `${i.captureTime ?? ""}|${i.configurationStateId ?? ""}|${i.status}`;
}

/** The remediation role of an account (the role its Guardrail functions run as, locally). */
function roleArnOf(accountId: string): string {
  return (guardrailRole(accountId).userIdentity as { sessionContext: { sessionIssuer: { arn: string } } })
    .sessionContext.sessionIssuer.arn;
}

/** A call made by Guardrail's role in the record's own account. */
function isGuardrail(record: JsonObject): boolean {
  const issuer = (record.userIdentity as { sessionContext?: { sessionIssuer?: { arn?: string } } } | undefined)
    ?.sessionContext?.sessionIssuer?.arn;
  const accountId = typeof record.recipientAccountId === "string" ? record.recipientAccountId : undefined;
  return issuer !== undefined && accountId !== undefined && issuer === roleArnOf(accountId);
}

/** The account and Region a remediation queue message is about (its resource, or the released record's id). */
function whereOfBody(body: string): { accountId: string; region: string } | undefined {
  try {
    const message = JSON.parse(String((JSON.parse(body) as { Message?: unknown }).Message)) as JsonObject;
    const resource = (message.resource ?? {}) as { accountId?: unknown; region?: unknown };
    if (typeof resource.accountId === "string" && typeof resource.region === "string") {
      return { accountId: resource.accountId, region: resource.region };
    }
    const id = message.approvalRecordId;
    const [, accountId, region] = typeof id === "string" ? id.split("_") : [];
    if (accountId && region) return { accountId, region };
  } catch {
    return undefined;
  }
  return undefined;
}

/** What a Publish to Guardrail's topic carried, by its message attributes (lib/detect/request.ts). */
function publishedActivity(input: Record<string, unknown>): Extract<Activity, { kind: "published" }> {
  const attrs = (isObject(input.MessageAttributes) ? input.MessageAttributes : {}) as Record<
    string,
    { StringValue?: unknown } | undefined
  >;
  const text = (name: string) => {
    const v = attrs[name]?.StringValue;
    return typeof v === "string" ? v : undefined;
  };
  const policyId = text("policyId");
  return {
    kind: "published",
    messageKind: text("kind") ?? text("guardrail_message") ?? "message",
    ...(policyId ? { policyId } : {}),
    ...(typeof input.Subject === "string" ? { subject: input.Subject } : {}),
    body: typeof input.Message === "string" ? input.Message : "",
  };
}

export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
