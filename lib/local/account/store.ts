import { randomUUID } from "node:crypto";
import { mkdir, readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { snapshotKey } from "../../../fleet/generate";
import { toConfigItem, type ConfigItem } from "../../resources/config-item";
import { listItemFiles, readItemFile } from "../../sources/config-files";
import { isoTime } from "../../resources/described";
import type { JsonObject } from "../../util/json";
import { copy } from "./services/types";
import { writeFileAtomic } from "../../util/atomic-file";

/**
 * The local account's state: one Config item per resource (normalised, `configuration` parsed), every account
 * and Region of the fleet. Persisted as AWS Config delivers snapshots to S3 (`AWSLogs/<acct>/Config/<region>/...`,
 * invocation naming, gzipped), so `guardrail scan <stateDir>/config` reads the local account as it reads a synced
 * Config bucket, and read back with lib/sources/config-files.ts.
 */
export class ItemStore {
  /** type|account|region|id -> item (deleted items stay, with status ResourceDeleted). */
  private readonly items = new Map<string, ConfigItem>();
  /** type|id -> the items of that id in every account and Region (bucket names are global). */
  private readonly byId = new Map<string, Map<string, ConfigItem>>();
  private readonly accountIds = new Set<string>();
  /** type|account|region -> key -> item: the listing of one type in one place, without a scan of everything. */
  private readonly byScope = new Map<string, Map<string, ConfigItem>>();

  static key(type: string, accountId: string, region: string, id: string): string {
    return `${type}|${accountId}|${region}|${id}`;
  }

  put(item: ConfigItem): void {
    const key = ItemStore.key(item.resourceType, item.accountId, item.region, item.resourceId);
    this.items.set(key, item);
    const idKey = `${item.resourceType}|${item.resourceId}`;
    let same = this.byId.get(idKey);
    if (!same) this.byId.set(idKey, (same = new Map()));
    same.set(key, item);
    this.accountIds.add(item.accountId);
    const scopeKey = `${item.resourceType}|${item.accountId}|${item.region}`;
    let scope = this.byScope.get(scopeKey);
    if (!scope) this.byScope.set(scopeKey, (scope = new Map()));
    scope.set(key, item);
  }

  /** The accounts that hold items, in the order they were first seen. */
  accounts(): string[] {
    return [...this.accountIds];
  }

  /** The live items of one type and id in any account or Region. */
  find(type: string, id: string): ConfigItem[] {
    return [...(this.byId.get(`${type}|${id}`)?.values() ?? [])].filter(isLive);
  }

  /** The live item, or undefined when it does not exist or was deleted. */
  get(type: string, accountId: string, region: string, id: string): ConfigItem | undefined {
    const item = this.items.get(ItemStore.key(type, accountId, region, id));
    return item && isLive(item) ? item : undefined;
  }

  /** Live items, filtered. */
  list(filter: { resourceType?: string; accountId?: string; region?: string } = {}): ConfigItem[] {
    const out: ConfigItem[] = [];
    const { resourceType, accountId, region } = filter;
    const source =
      resourceType !== undefined && accountId !== undefined && region !== undefined
        ? (this.byScope.get(`${resourceType}|${accountId}|${region}`)?.values() ?? [])
        : this.items.values();
    for (const item of source) {
      if (!isLive(item)) continue;
      if (filter.resourceType !== undefined && item.resourceType !== filter.resourceType) continue;
      if (filter.accountId !== undefined && item.accountId !== filter.accountId) continue;
      if (filter.region !== undefined && item.region !== filter.region) continue;
      out.push(item);
    }
    return out;
  }

  /** Every item, deleted ones too (persistence). */
  all(): ConfigItem[] {
    return [...this.items.values()];
  }

  get size(): number {
    return this.items.size;
  }

  /** Reads every Config snapshot (or other item file) under `dir` into the store; returns the items read. */
  /** Loads every item of the snapshots under `dir`, or those `keep` accepts. */
  async load(dir: string, keep: (item: ConfigItem) => boolean = () => true): Promise<number> {
    const { files, problems } = await listItemFiles([dir]);
    const errors = problems.filter((p) => p.level === "error");
    if (errors.length > 0) throw new Error(errors.map((p) => `${p.file}: ${p.message}`).join("\n"));
    let n = 0;
    for (const file of files) {
      const read = await readItemFile(file);
      read.items.forEach((raw, i) => {
        try {
          const item = toConfigItem(raw);
          if (!keep(item)) return;
          this.put(item);
          n++;
        } catch (e) {
          throw new Error(`${file}: ${read.listPointer}/${i}: ${(e as Error).message}`);
        }
      });
    }
    return n;
  }

  /**
   * Writes the state as one Config snapshot per account and Region under `dir` (replacing the snapshots written
   * before, so the newest is the only one); returns the files written.
   */
  async save(dir: string, now: Date): Promise<string[]> {
    await rm(join(dir, "AWSLogs"), { recursive: true, force: true });
    const groups = new Map<string, ConfigItem[]>();
    for (const item of this.items.values()) {
      const key = `${item.accountId}|${item.region}`;
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(item);
    }
    const written: string[] = [];
    for (const [key, items] of groups) {
      const [accountId = "", region = ""] = key.split("|");
      const id = randomUUID();
      const file = join(dir, snapshotKey(accountId, region, now.getTime(), id));
      await mkdir(dirname(file), { recursive: true });
      const body = { fileVersion: "1.0", configSnapshotId: id, configurationItems: items.map(snapshotItem) };
      await writeFileAtomic(file, gzipSync(JSON.stringify(body)));
      written.push(file);
    }
    return written;
  }

  /** Whether `dir` holds saved snapshots. */
  static async hasState(dir: string): Promise<boolean> {
    try {
      return (await readdir(join(dir, "AWSLogs"))).length > 0;
    } catch {
      return false;
    }
  }
}

function isLive(item: ConfigItem): boolean {
  return (
    item.status !== "ResourceDeleted" && item.status !== "ResourceDeletedNotRecorded" && item.configuration !== null
  );
}

/** A normalised item back in the snapshot (invocation) naming Config delivers to S3. */
export function snapshotItem(item: ConfigItem): JsonObject {
  return {
    relatedEvents: [],
    relationships: item.relationships.map((r) => ({
      resourceId: r.resourceId,
      resourceName: r.resourceName,
      resourceType: r.resourceType,
      name: r.name,
    })),
    configuration: item.configuration,
    supplementaryConfiguration: item.supplementaryConfiguration,
    tags: item.tags,
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: item.captureTime,
    configurationStateId: item.configurationStateId === undefined ? undefined : Number(item.configurationStateId),
    awsAccountId: item.accountId,
    configurationItemStatus: item.status,
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    resourceName: item.resourceName,
    ARN: item.arn,
    awsRegion: item.region,
    availabilityZone: "Not Applicable",
    configurationStateMd5Hash: "",
  };
}

/**
 * A new version of `item` after a change at `now`: a deep copy with the changed configuration, a new capture
 * time and configurationStateId (Config's are increasing numbers; the capture time in milliseconds is one).
 */
export function revised(item: ConfigItem, now: Date, change: (draft: ConfigItem) => void): ConfigItem {
  const draft = copy(item);
  change(draft);
  draft.captureTime = isoTime(now);
  const previous = Number(item.configurationStateId ?? 0);
  draft.configurationStateId = String(Math.max(now.getTime(), Number.isFinite(previous) ? previous + 1 : 0));
  draft.status = "OK";
  return draft;
}
