import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ApprovalResult } from "../remediation/worker/approve";
import type { OutcomeMessage } from "../remediation/worker/outcome";
import { parseRecordId, recordKey } from "../remediation/worker/decide";
import type { RemediationRecord } from "../remediation/worker/record";
import type { ConfigItem } from "../resources/config-item";
import { isObject } from "../util/json";
import { LocalAccount } from "./account";
import { principalCatalogue } from "./account/principals";
import { VirtualClock } from "./clock";
import { LocalLoop } from "./loop";

/**
 * `guardrail remediation approve | undo | plan --local`: the same commands against the local account `guardrail
 * demo` leaves in its state directory. The account carries on from its state (items, trail, records) and from its
 * clock's saved time; what changes is saved again, so the next command (or `guardrail audit`) sees it.
 */

/** The state directory holds no local account, or its state cannot be read: exit 3, naming the place. */
export class LocalStateError extends Error {
  override name = "LocalStateError";
}

/** Whether `stateDir` holds a local account (what `guardrail demo` writes). */
export function hasLocalAccount(stateDir: string): boolean {
  return existsSync(join(stateDir, "account.json")) && existsSync(join(stateDir, "config"));
}

function requireAccount(stateDir: string): void {
  if (!hasLocalAccount(stateDir)) {
    throw new LocalStateError(
      `${stateDir}: no local account here (run \`guardrail demo --state ${stateDir}\` first, or give --state DIR)`,
    );
  }
}

/** Opens the account on a fixed clock that starts at the later of now and the account's saved time. */
async function openAccount(stateDir: string): Promise<{ account: LocalAccount; clock: VirtualClock }> {
  requireAccount(stateDir);
  // Opening existing state reads no time; the clock is made once the saved time is known.
  const made: { clock?: VirtualClock } = {};
  let account: LocalAccount;
  try {
    account = await LocalAccount.open({ stateDir, clock: () => (made.clock ?? new VirtualClock()).now() });
  } catch (e) {
    throw new LocalStateError(`${stateDir}: the local account cannot be opened: ${(e as Error).message}`);
  }
  const clock = new VirtualClock(new Date(Math.max(Date.now(), account.savedTime?.getTime() ?? 0)));
  made.clock = clock;
  return { account, clock };
}

/** A remediation record of the local audit bucket (`<state>/records/...`), or undefined when there is none. */
export async function readLocalRecord(
  stateDir: string,
  recordId: string,
): Promise<{ record?: RemediationRecord; file: string }> {
  requireAccount(stateDir);
  if (!parseRecordId(recordId)) throw new Error(`"${recordId}" is not a remediation record id`);
  const file = join(stateDir, recordKey(recordId));
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { file };
    throw new LocalStateError(`${file}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new LocalStateError(`${file}: not JSON: ${(e as Error).message}`);
  }
  if (!isObject(value) || value.recordVersion !== 1) {
    throw new LocalStateError(`${file}: not a remediation record (recordVersion 1)`);
  }
  return { record: value as unknown as RemediationRecord, file };
}

export interface LocalApproval extends ApprovalResult {
  /** The worker's outcomes for the released fix (the fix and its verification, or why not). */
  outcomes: OutcomeMessage[];
  /** Deliveries the worker found nothing left to do for (the same fix already made), with its reason. */
  skipped: OutcomeMessage[];
}

/**
 * Releases a fix waiting for approval in the local account: the approval release published to the local topic,
 * then the remediation worker (the deployed handler, unchanged) re-plans, fixes and verifies, and records the
 * outcome in the local audit bucket. The caller turns ApprovalError (not waiting, expired) into its exit code.
 */
export async function approveLocal(stateDir: string, recordId: string, approvedBy: string): Promise<LocalApproval> {
  const { account, clock } = await openAccount(stateDir);
  const loop = new LocalLoop({ account, mode: "approve", clock });
  try {
    await loop.start();
    const { result, outcomes } = await loop.approveOne(recordId, approvedBy);
    await loop.flush();
    return {
      ...result,
      outcomes: outcomes.filter((o) => o.status !== "skipped"),
      skipped: outcomes.filter((o) => o.status === "skipped"),
    };
  } finally {
    await loop.close();
    await account.close();
  }
}

/**
 * Runs `fn` with every client of lib/aws/clients.ts answered by the local account, as a person of `accountId` (the
 * console user: an undo is a person's change, recorded in the trail as theirs). The account's state is saved after.
 * No pipeline runs: unlike the deployed Guardrail, nothing detects the change here until the next `guardrail demo`.
 */
export async function withLocalAccount<T>(stateDir: string, accountId: string, fn: () => Promise<T>): Promise<T> {
  const { account } = await openAccount(stateDir);
  const detach = account.attach();
  try {
    return await account.as(principalCatalogue(accountId).console, fn);
  } finally {
    detach();
    await account.close();
  }
}

/** A Config item of the local account by resource id or name (and type, when given), for `remediation plan`. */
export async function localConfigItem(
  stateDir: string,
  resource: string,
  types: string[],
): Promise<{ item?: ConfigItem; candidates: number }> {
  const { account } = await openAccount(stateDir);
  try {
    const matches = account
      .configItems()
      .filter(
        (i) =>
          (types.length === 0 || types.includes(i.resourceType)) &&
          (i.resourceId === resource || i.resourceName === resource || i.arn === resource),
      );
    return { ...(matches.length === 1 ? { item: matches[0] } : {}), candidates: matches.length };
  } finally {
    await account.close();
  }
}
