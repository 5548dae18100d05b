import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { guardrailRole } from "../lib/local/account/principals";
import { runDay, type DaySummary } from "../lib/local/day";
import type { Activity, LocalLoop } from "../lib/local/loop";
import type { JsonObject } from "../lib/util/json";

/*
 * The local loop end to end: the sample fleet in the local account, the first sweep, the
 * scripted day of lib/local/scenarios/day.json, and Guardrail's own handlers (rules/, events/, remediations/)
 * reacting to each change. Delivery is at-least-once made visible: every SQS message is delivered twice.
 * Semantics checked: SQS redrive after maxReceiveCount (SQS Developer Guide, "Using dead-letter queues"), Lambda
 * partial batch responses (Lambda Developer Guide, "Handling errors for an SQS event source").
 */

// Enough services that every flavour of the architecture has a resource the scripted day can change.
const SERVICES = 12;
const SEED = 1;

interface Run {
  summary: DaySummary;
  activity: Activity[];
  /** Mutating CloudTrail records of the day (after the sweep), as the account wrote them. */
  records: JsonObject[];
  warnings: string[];
}

function stateDir(): string {
  return mkdtempSync(join(tmpdir(), "guardrail-local-loop-"));
}

async function day(
  mode: "auto" | "approve",
  use?: (loop: LocalLoop, run: Omit<Run, "summary">) => Promise<void>,
): Promise<Run> {
  const activity: Activity[] = [];
  const records: JsonObject[] = [];
  const warnings: string[] = [];
  const warn = jest.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    warnings.push(args.map(String).join(" "));
  });
  try {
    const summary = await runDay(
      {
        stateDir: stateDir(),
        services: SERVICES,
        seed: SEED,
        mode,
        deliverTwice: true,
        onActivity: (a) => activity.push(a),
        onRecord: (r) => records.push(r),
      },
      async (loop, account) => {
        void account;
        if (use) await use(loop, { activity, records, warnings });
      },
    );
    return { summary, activity, records, warnings };
  } finally {
    warn.mockRestore();
  }
}

/** What a resource's calls name it by (a stage by its REST API id). */
function needleOf(resourceId: string): string {
  return /\/restapis\/([^/]+)\/stages\//.exec(resourceId)?.[1] ?? resourceId;
}

/** Successful calls `operation` of the remediation role whose request parameters name `needle`. */
function guardrailCalls(trailRecords: JsonObject[], operation: string, needle: string): JsonObject[] {
  return trailRecords.filter((r) => {
    const issuer = (r.userIdentity as { sessionContext?: { sessionIssuer?: { userName?: string } } })?.sessionContext
      ?.sessionIssuer?.userName;
    return (
      issuer !== undefined &&
      /guardrail/i.test(issuer) &&
      r.eventName === operation &&
      !r.errorCode &&
      JSON.stringify(r.requestParameters ?? {}).includes(needle)
    );
  });
}

function fixedOutcomes(activity: Activity[]) {
  return activity.flatMap((a) => (a.kind === "outcome" && a.outcome.status === "succeeded" ? [a.outcome] : []));
}

describe("local loop, auto mode, every message delivered twice", () => {
  let run: Run;

  beforeAll(async () => {
    run = await day("auto");
  }, 120_000);

  test("compliance before and after: the sweep finds violations, the loop fixes the fixable ones", () => {
    const { summary } = run;
    expect(summary.violationsBefore).toBeGreaterThan(0);
    expect(summary.counts.outcomes.fixed ?? 0).toBeGreaterThan(0);
    // Without re-evaluating after Guardrail's own fixes (or counting "before" after the fixes), after ≥ before.
    expect(summary.violationsAfter).toBeLessThan(summary.violationsBefore);
    expect(summary.complianceAfter.map((c) => c.policyId)).toEqual(summary.complianceBefore.map((c) => c.policyId));
    // A policy with a fix of a resource the sweep found non-compliant ends with more compliant resources; one whose
    // only fixes repaired what the scripted day broke ends where it began.
    const swept = new Set(summary.sweepViolations.map((v) => `${v.policyId}\n${v.resourceId}`));
    const fixed = fixedOutcomes(run.activity);
    const fixedSwept = new Set(
      fixed.filter((o) => swept.has(`${o.policyId}\n${o.resource.id}`)).map((o) => o.policyId),
    );
    expect(fixedSwept.size).toBeGreaterThan(0);
    for (const after of summary.complianceAfter) {
      const before = summary.complianceBefore.find((c) => c.policyId === after.policyId);
      if (fixedSwept.has(after.policyId)) expect(after.compliant).toBeGreaterThan(before?.compliant ?? 0);
      else if (fixed.some((o) => o.policyId === after.policyId)) expect(after.compliant).toBeGreaterThanOrEqual(before?.compliant ?? 0); // prettier-ignore
    }
  });

  test("nothing the day published ends in a dead-letter queue: every request names its resource consistently", () => {
    expect(run.activity.filter((a) => a.kind === "dead-letter")).toEqual([]);
    expect(run.summary.counts.deadLettered).toBe(0);
  });

  test("every scripted change is accepted by the account (no AccessDenied from Block Public Access)", () => {
    expect(run.summary.changes.length).toBeGreaterThanOrEqual(6);
    expect(run.summary.changes.filter((c) => c.error)).toEqual([]);
  });

  test("every violation the script introduced is detected and handled exactly once", () => {
    const { summary, activity } = run;
    const outcomes = activity.flatMap((a) => (a.kind === "outcome" ? [a.outcome] : []));
    for (const change of summary.changes) {
      // StopLogging is judged on the CloudTrail record itself (cloudtrail-no-stop-logging): an alert at once, and
      // nothing a remediation request could fix. Checked below.
      if (change.call === "CloudTrail:StopLogging") continue;
      const resource = change.resource as string;
      // One handling per policy the change broke, whatever the number of deliveries (2 per message) and of
      // detection paths (the CloudTrail event, then the Config compliance change). A later delivery finds the
      // resource fixed: "already-compliant" (skipped, no call), which is not a second remediation.
      const mine = outcomes.filter((o) => o.resource.id === resource && o.principal !== null && o.status !== "skipped");
      const byPolicy = new Map<string, number>();
      for (const o of mine) byPolicy.set(o.policyId, (byPolicy.get(o.policyId) ?? 0) + 1);
      expect([change.call, resource, [...byPolicy.keys()].length > 0]).toEqual([change.call, resource, true]);
      for (const [, n] of byPolicy) expect(n).toBe(1);
    }
    const stopLogging = summary.changes.find((c) => c.call === "CloudTrail:StopLogging");
    expect(stopLogging?.error).toBeUndefined();
    // The StopLogging call's own CloudTrail record raised the alert (one detection, keyed by its eventID), and asked
    // for no remediation: a trail that is off is for people to decide about.
    const stopRecords = run.records.filter((r) => r.eventSource === "cloudtrail.amazonaws.com" && r.eventName === "StopLogging"); // prettier-ignore
    expect(stopRecords).toHaveLength(1);
    const detections = activity.filter((a) => a.kind === "detected" && a.correlationId === stopRecords[0]?.eventID);
    expect(detections).toEqual([expect.objectContaining({ source: "cloudtrail", alerts: 1, requests: 0 })]);
    // the fixes themselves: one verified fix per (policy, resource) of the day
    const fixes = fixedOutcomes(activity).map((o) => `${o.policyId} ${o.resource.id}`);
    expect(new Set(fixes).size).toBe(fixes.length);
  });

  test("each fix of a scripted violation is one AWS call of the remediation role, not one per delivery", () => {
    const { changes } = run.summary;
    // The trail in call order, cut at each team change: everything a change sets off runs before the next one.
    const starts = run.records.flatMap((r, i) =>
      r.readOnly === false && !r.errorCode && guardrailCalls([r], String(r.eventName), "").length === 0 ? [i] : [],
    );
    expect(starts).toHaveLength(changes.length);
    const scripted = new Set(changes.map((c) => c.resource));
    const fixes = fixedOutcomes(run.activity).filter((o) => o.principal !== null && scripted.has(o.resource.id));
    expect(fixes.length).toBeGreaterThanOrEqual(3);
    for (const o of fixes) {
      const i = changes.findIndex((c) => c.resource === o.resource.id);
      const window = run.records.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : undefined);
      for (const call of o.calls) {
        const operation = call.split(":").pop() as string;
        const made = guardrailCalls(window, operation, needleOf(o.resource.id));
        expect({ call, resource: o.resource.id, times: made.length }).toEqual({
          call,
          resource: o.resource.id,
          times: 1,
        });
      }
    }
  });

  test("Guardrail's own calls, in every account of the fleet, are not detected as changes", () => {
    const own = new Set(
      run.records
        .filter((r) => {
          const issuer = (r.userIdentity as { sessionContext?: { sessionIssuer?: { arn?: string } } }).sessionContext
            ?.sessionIssuer?.arn;
          const role = guardrailRole(String(r.recipientAccountId)).userIdentity as {
            sessionContext: { sessionIssuer: { arn: string } };
          };
          return issuer === role.sessionContext.sessionIssuer.arn;
        })
        .map((r) => String(r.eventID)),
    );
    expect(new Set(run.records.map((r) => r.recipientAccountId)).size).toBeGreaterThan(1);
    expect(own.size).toBeGreaterThan(0);
    const detected = run.activity.flatMap((a) => (a.kind === "detected" && a.source === "cloudtrail" ? [a] : []));
    expect(detected.filter((d) => own.has(d.correlationId))).toEqual([]);
  });

  test("the handlers got a Lambda context (no Powertools idempotency warning) and logged to the state dir", () => {
    expect(run.warnings.filter((w) => /remaining time/i.test(w))).toEqual([]);
    const log = readFileSync(run.summary.paths.logs, "utf8");
    expect(log).toContain('"service": "guardrail-remediation-worker"');
    expect(log).toContain('"service": "guardrail-config-rule"');
    expect(log).toContain('"function_name": "guardrail-local-remediationWorker"');
  });

  test("the trail and the records are written for audit", () => {
    expect(run.summary.paths.trailFiles.length).toBeGreaterThan(0);
    const written = run.summary.paths.trailFiles.flatMap(
      (f) => (JSON.parse(gunzipSync(readFileSync(f)).toString("utf8")) as { Records: JsonObject[] }).Records,
    );
    // management events only (data events such as SQS SendMessage are not in an org trail)
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThanOrEqual(run.records.length);
    for (const f of run.summary.paths.trailFiles)
      expect(f).toMatch(/\/CloudTrail\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/.+\.json\.gz$/);
    expect(existsSync(run.summary.paths.records)).toBe(true);
  });
});

describe("local loop: a poison message", () => {
  test("a poison message ends in the dead-letter queue after maxReceiveCount receives, with its reason", async () => {
    const run = await day("auto", async (loop) => {
      const client = new SQSClient({ region: loop.region });
      const account = (loop as unknown as { opts: { account: { attachClient<C>(c: C): C } } }).opts.account;
      account.attachClient(client);
      try {
        await client.send(
          new SendMessageCommand({ QueueUrl: loop.remediationQueue.url, MessageBody: '{"Type":"Notification",' }),
        );
      } finally {
        client.destroy();
      }
      const before = loop.remediationDlq.depth().total;
      await loop.drain();
      // each copy (deliverTwice stores two under one MessageId) is received maxReceiveCount times, then moved
      const moved = loop.remediationDlq.peek().slice(before);
      expect(moved.length).toBeGreaterThan(0);
      for (const m of moved) expect(m.body).toBe('{"Type":"Notification",');
      expect(loop.remediationQueue.depth().total).toBe(0);
    });
    const poison = run.activity.find(
      (a) => a.kind === "dead-letter" && a.body === '{"Type":"Notification",',
    ) as Extract<Activity, { kind: "dead-letter" }>;
    expect(poison).toBeDefined();
    expect(poison.reason).toMatch(/JSON|malformed|not valid/i);
    // every dead letter says why
    for (const a of run.activity) if (a.kind === "dead-letter") expect(a.reason).toBeTruthy();
  }, 120_000);
});

describe("local loop, approve mode", () => {
  test("fixes nothing until approved; approving releases the fixes", async () => {
    let waiting = 0;
    let fixedBeforeApproval = -1;
    let fixedAfterApproval = -1;
    let violationsBeforeApproval = -1;
    let released: string[] = [];
    const run = await day("approve", async (loop) => {
      fixedBeforeApproval = loop.counts.outcomes.fixed ?? 0;
      waiting = loop.counts.outcomes["awaiting-approval"] ?? 0;
      violationsBeforeApproval = loop.config.violations().length;
      released = await loop.approvePending("alice@example.com");
      fixedAfterApproval = loop.counts.outcomes.fixed ?? 0;
    });
    expect(fixedBeforeApproval).toBe(0);
    expect(
      run.activity.some((a) => a.kind === "outcome" && a.outcome.status === "succeeded" && !a.outcome.approvedBy),
    ).toBe(false);
    expect(waiting).toBeGreaterThan(0);
    expect(released.length).toBe(waiting);
    expect(fixedAfterApproval).toBeGreaterThan(0);
    expect(run.summary.violationsAfter).toBeLessThan(violationsBeforeApproval);
    for (const a of run.activity) {
      if (a.kind === "outcome" && a.outcome.status === "succeeded")
        expect(a.outcome.approvedBy).toBe("alice@example.com");
    }
  }, 120_000);
});
