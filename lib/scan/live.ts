import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { clientFor } from "../aws/clients";
import { service as sts } from "../aws/services/sts";
import { partitionOf } from "../cloudtrail/record";
import { resourceTypesOf } from "../policy/types";
import type { Resource, ResourceRef } from "../resources/adapter";
import { canDescribe, describeResource } from "../resources/describe";
import { listers, type Lister } from "../resources/list";
import { errorInWords } from "../util/fs-errors";
import { escapePointerToken } from "../util/json";
import type { Engine, AnyEvaluation as Evaluation } from "../engine/evaluate";
import type { ReportWriter, ScanSummary } from "../report/types";
import { judgeResource } from "./file";
import { ScanTally, emptyComplianceCounts } from "./tally";
import type { ScanProgress } from "./index";

/** Describes in flight at once: the clients' adaptive retry mode slows them down further when a service throttles. */
export const LIVE_CONCURRENCY = 8;

/** The Region a partition's global services (CloudFront, IAM) answer from and Config records them in. */
const HOME_REGION: Record<string, string> = {
  aws: "us-east-1",
  "aws-cn": "cn-northwest-1",
  "aws-us-gov": "us-gov-west-1",
};

export interface LiveScanOptions {
  engine: Engine;
  writer: ReportWriter;
  /** Regions to list and describe, in this order. */
  regions: string[];
  /** `filesDone`/`filesTotal` count (Region, type) pairs; `items` the resources described. */
  onProgress?: (p: ScanProgress) => void;
  concurrency?: number;
}

/** The credentials could not call AWS at all (none found, expired, wrong endpoint): nothing was scanned. */
export class LiveScanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LiveScanError";
  }
}

/**
 * The account the caller's credentials are in, described now: every resource of every covered type that has a
 * listing (./types/<type>.list.ts) and a describe, listed page by page and described a few at a time by the same
 * describes the detector and the worker use, so each document is the one the Config rule judges. For teams that do
 * not pay for AWS Config recording. Verdicts come in listing order, type by type and Region by Region. A listing
 * or a describe that fails (access denied, throttled beyond the retries) is an error naming the Region, type and
 * resource; the rest is still scanned.
 */
export async function scanLive(opts: LiveScanOptions): Promise<ScanSummary> {
  const started = Date.now();
  const tally = new ScanTally();
  for (const p of opts.engine.policies) tally.data.byPolicy[p.policy.id] = emptyComplianceCounts();
  const accountId = await callerAccount(opts.regions[0] as string);

  const all = listers();
  const covered = [...new Set(opts.engine.policies.flatMap((p) => resourceTypesOf(p.policy)))].sort();
  const listed = covered.filter((t) => all.has(t) && canDescribe(t));
  const unlisted = covered.filter((t) => !listed.includes(t));
  if (unlisted.length > 0) {
    tally.data.problems.push({
      level: "warning",
      file: "live",
      message: `${unlisted.length} covered type${unlisted.length === 1 ? "" : "s"} not described live (no listing or describe; the Config rule and snapshot scans judge them): ${unlisted.join(", ")}`,
    });
  }
  const pairs: { region: string; lister: Lister }[] = [];
  for (const region of opts.regions) {
    for (const type of listed) {
      const lister = all.get(type) as Lister;
      if (!lister.global) pairs.push({ region, lister });
    }
  }
  const homes = [...new Set(opts.regions.map((r) => HOME_REGION[partitionOf(r)] ?? r))];
  for (const region of homes) {
    for (const type of listed) {
      const lister = all.get(type) as Lister;
      if (lister.global) pairs.push({ region, lister });
    }
  }

  const emit = (e: Evaluation) => opts.writer.add(e);
  const progress = (done: number) =>
    opts.onProgress?.({ filesDone: done, filesTotal: pairs.length, bytes: 0, items: tally.data.itemsRead });
  for (let i = 0; i < pairs.length; i++) {
    const { region, lister } = pairs[i] as (typeof pairs)[number];
    const file = `live ${accountId}/${region}`;
    const at = (id?: string) => `/${escapePointerToken(lister.type)}${id === undefined ? "" : `/${escapePointerToken(id)}`}`; // prettier-ignore
    try {
      const refs = lister.list({ accountId, region });
      for await (const d of describedInOrder(refs, opts.concurrency ?? LIVE_CONCURRENCY)) {
        tally.data.itemsRead++;
        if ("error" in d) {
          tally.data.problems.push({ level: "error", file, pointer: at(d.ref.id), message: `cannot describe: ${errorInWords(d.error)}` }); // prettier-ignore
        } else if (d.resource) {
          judgeResource(d.resource, { file, pointer: at(d.ref.id) }, opts.engine, tally, emit);
        }
        if (opts.writer.ready) await opts.writer.ready();
        progress(i);
      }
      tally.data.filesRead++;
    } catch (e) {
      tally.data.filesFailed++;
      tally.data.problems.push({ level: "error", file, pointer: at(), message: `cannot list: ${errorInWords(e)}` });
    }
    progress(i + 1);
  }
  const summary = tally.summary(opts.engine, [`live ${accountId} ${opts.regions.join(",")}`], started);
  await opts.writer.finish(summary);
  return summary;
}

async function callerAccount(region: string): Promise<string> {
  try {
    const who = await clientFor(sts, region).send(new GetCallerIdentityCommand({}));
    if (who.Account) return who.Account;
    throw new Error("GetCallerIdentity named no account");
  } catch (e) {
    throw new LiveScanError(`cannot call AWS with these credentials (STS GetCallerIdentity): ${errorInWords(e)}`);
  }
}

type Described = { ref: ResourceRef; resource: Resource | undefined } | { ref: ResourceRef; error: unknown };

/**
 * Each listed reference described, at most `limit` at a time, the results in listing order (so a report is the
 * same from run to run). A resource deleted between listing and describe is passed over.
 */
async function* describedInOrder(refs: AsyncIterable<ResourceRef>, limit: number): AsyncGenerator<Described> {
  const window: Promise<Described>[] = [];
  const start = (ref: ResourceRef) =>
    describeResource(ref).then(
      (resource): Described => ({ ref, resource }),
      (error: unknown): Described => ({ ref, error }),
    );
  for await (const ref of refs) {
    window.push(start(ref));
    if (window.length >= limit) yield await (window.shift() as Promise<Described>);
  }
  while (window.length > 0) yield await (window.shift() as Promise<Described>);
}
