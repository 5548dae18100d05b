import { rm } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { FleetScope } from "../../fleet/generate";
import type { RemediationMode } from "../policy/types";
import type { ConfigItem } from "../resources/config-item";
import type { JsonObject } from "../util/json";
import { LocalAccount } from "./account";
import { VirtualClock } from "./clock";
import type { StoredEvaluation } from "./config/service";
import { LocalLoop, errorText, type Activity } from "./loop";
import { DEFAULT_SCENARIO, loadScenario, prepareCalls, sendCall, type PreparedCall } from "./scenario";

/**
 * The local day end to end, shared by `guardrail demo`, the end-to-end test and the bench: open the local account
 * on a fresh fleet, run the first sweep (compliance before), play the scenario's calls, let the loop detect and
 * remediate, release approvals when asked, and report compliance after.
 */

export interface DayOptions {
  stateDir: string;
  services: number;
  seed: number;
  /** The fleet to start from (default: the whole architecture, as the scripted day needs); the account keeps the types it serves. */
  scope?: FleetScope;
  mode: RemediationMode;
  changesFile?: string;
  deliverTwice?: boolean;
  /** approve mode: release every waiting fix at the end, as this person. */
  approveAs?: string;
  onActivity?: (a: Activity) => void;
  /** The first sweep has run (and everything it set off): what it found, before Guardrail acted. */
  onSwept?: (found: { violations: StoredEvaluation[]; ms: number }) => void;
  /** A scripted call is about to be made (its detection and remediation follow as activity). */
  onChangeStart?: (c: { index: number; prepared: PreparedCall }) => void;
  onChange?: (c: { index: number; prepared: PreparedCall; error?: string; ms: number }) => void;
  /** With `approveAs` (approve or auto mode): the waiting fixes are about to be released. */
  onApproveStart?: (a: { waiting: number }) => void;
  /** Every CloudTrail record the account writes, in call order (the sweep's, the team's and Guardrail's). */
  onRecord?: (record: JsonObject) => void;
  /** When the day starts on the account's clock (default: the start of the current UTC minute). */
  start?: Date;
}

export interface DaySummary {
  violationsBefore: number;
  /** The first sweep's violations (policy, resource), before Guardrail acted on them. */
  sweepViolations: StoredEvaluation[];
  violationsAfter: number;
  complianceBefore: { policyId: string; nonCompliant: number; compliant: number }[];
  complianceAfter: { policyId: string; nonCompliant: number; compliant: number }[];
  changes: { description?: string; principal: string; call: string; resource?: string; error?: string }[];
  counts: LocalLoop["counts"];
  deadLettered: number;
  latenciesMs: number[];
  approved: string[];
  paths: { trail: string; records: string; logs: string; trailFiles: string[] };
}

export async function runDay(
  opts: DayOptions,
  use?: (loop: LocalLoop, account: LocalAccount) => Promise<void>,
): Promise<DaySummary> {
  for (const dir of ["config", "trail", "records", "logs", "account.json"]) {
    await rm(join(opts.stateDir, dir), { recursive: true, force: true });
  }
  // A fixed clock: time moves only when something waits (a verification delay, a deferral to the next minute's fix
  // budget), so the same seed gives the same times to remediate. It starts on a whole minute because the worker's
  // rate limit counts fixes per calendar minute: where in its minute a run starts would change the deferrals.
  const clock = new VirtualClock(opts.start ?? startOfMinute(new Date()));
  const account = await LocalAccount.open({
    stateDir: opts.stateDir,
    fleet: { services: opts.services, seed: opts.seed, scope: opts.scope ?? "architecture" },
    clock: () => clock.now(),
  });
  const stopRecords = opts.onRecord ? account.onRecord(opts.onRecord) : undefined;
  const loop = new LocalLoop({
    account,
    mode: opts.mode,
    clock,
    deliverTwice: opts.deliverTwice,
    onActivity: opts.onActivity,
  });
  await loop.start();
  try {
    const sweepStarted = performance.now();
    const swept = await loop.sweep();
    opts.onSwept?.({ violations: swept.violations, ms: performance.now() - sweepStarted });
    const complianceBefore = swept.compliance;
    const violationsBefore = swept.violations.length;
    const calls = loadScenario(opts.changesFile ?? DEFAULT_SCENARIO());
    const nonCompliant = new Set(
      [...swept.violations, ...loop.config.violations()].map(
        (v) => `${v.policyId}\n${v.resourceType}\n${v.resourceId}`,
      ),
    );
    const prepared = prepareCalls(calls, account, (policyId, item: ConfigItem) => {
      const ev = loop.config.evaluationsOf().find((e) => e.policyId === policyId && e.resourceId === item.resourceId);
      return (
        ev?.complianceType === "COMPLIANT" && !nonCompliant.has(`${policyId}\n${item.resourceType}\n${item.resourceId}`)
      );
    });
    const changes: DaySummary["changes"] = [];
    for (const [index, p] of prepared.entries()) {
      opts.onChangeStart?.({ index, prepared: p });
      const started = performance.now();
      const out = await loop.play(p.principal, () => sendCall(account, p));
      await loop.drain();
      const error = out.error === undefined ? undefined : errorText(out.error);
      opts.onChange?.({ index, prepared: p, error, ms: performance.now() - started });
      changes.push({
        description: p.call.description,
        principal: p.call.principal,
        call: `${p.call.service}:${p.call.operation}`,
        resource: p.resourceId,
        ...(error ? { error } : {}),
      });
    }
    if (use) await use(loop, account);
    let approved: string[] = [];
    if (opts.approveAs && opts.mode !== "notify") {
      opts.onApproveStart?.({ waiting: loop.outcomes.filter((o) => o.status === "awaiting-approval").length });
      approved = await loop.approvePending(opts.approveAs);
    }
    const trailFiles = await loop.flush();
    return {
      violationsBefore,
      sweepViolations: swept.violations,
      violationsAfter: loop.config.violations().length,
      complianceBefore: complianceBefore.map(({ policyId, nonCompliant, compliant }) => ({
        policyId,
        nonCompliant,
        compliant,
      })),
      complianceAfter: loop.config
        .complianceByRule()
        .map(({ policyId, nonCompliant, compliant }) => ({ policyId, nonCompliant, compliant })),
      changes,
      counts: loop.counts,
      deadLettered: loop.counts.deadLettered,
      latenciesMs: loop.latencies,
      approved,
      paths: {
        trail: join(opts.stateDir, "trail"),
        records: join(opts.stateDir, "records"),
        logs: join(opts.stateDir, "logs", "handlers.log"),
        trailFiles,
      },
    };
  } finally {
    stopRecords?.();
    await loop.close();
    await account.close();
  }
}

/** The start of the UTC minute a time falls in. */
export function startOfMinute(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000);
}
