import {
  paginateSelectAggregateResourceConfig,
  type ConfigServiceClient,
  type SelectAggregateResourceConfigCommandOutput,
} from "@aws-sdk/client-config-service";
import { clientFor } from "../aws/clients";
import { service as config } from "../aws/services/config";
import { resourceAdapters } from "../resources/registry";
import { errorInWords } from "../util/fs-errors";
import type { Engine, AnyEvaluation as Evaluation } from "../engine/evaluate";
import type { ReportWriter, ScanSummary } from "../report/types";
import { scanItemBatch } from "./file";
import { ScanTally, emptyComplianceCounts } from "./tally";
import type { ScanProgress } from "./index";

/** SelectAggregateResourceConfig's largest page (AWS Config API Reference: MaxResults, 0 to 100). */
const PAGE = 100;

export interface AggregatorScanOptions {
  /** The configuration aggregator's name. */
  aggregator: string;
  engine: Engine;
  writer: ReportWriter;
  /** The aggregator's Region (default: the client's). */
  region?: string;
  /** `filesDone`/`filesTotal` count resource types; `items` the items read. */
  onProgress?: (p: ScanProgress) => void;
}

/**
 * Every account and Region of a Config aggregator at once, judged by AWS Config's own engine of record: one
 * advanced query per covered resource type (`SELECT * WHERE resourceType = '<type>'`, paginated), each result an
 * item as SelectResourceConfig returns it (a JSON string), judged as a snapshot's items are. The aggregator does the
 * describing for the whole organisation, so an estate larger than one machine can describe is one query away.
 * A type whose query fails (access denied, throttled after the client's retries) is an error naming it, and the
 * other types are still scanned; an aggregator that does not exist stops the scan with that error.
 */
export async function scanAggregator(opts: AggregatorScanOptions): Promise<ScanSummary> {
  const started = Date.now();
  const tally = new ScanTally();
  for (const p of opts.engine.policies) tally.data.byPolicy[p.policy.id] = emptyComplianceCounts();
  const adapters = resourceAdapters();
  const types = [...adapters.keys()].filter((t) => opts.engine.coversType(t)).sort();
  const client = clientFor(config, opts.region) as ConfigServiceClient;
  const where = `aggregator ${opts.aggregator}`;
  const emit = (e: Evaluation) => opts.writer.add(e);
  for (let i = 0; i < types.length; i++) {
    const type = types[i] as string;
    const listPointer = `/${type}`;
    let first = 0;
    try {
      const pages = paginateSelectAggregateResourceConfig(
        { client, pageSize: PAGE },
        { ConfigurationAggregatorName: opts.aggregator, Expression: `SELECT * WHERE resourceType = '${type}'` },
      );
      for await (const page of pages) {
        const batch = resultsBatch(page, listPointer, first, type);
        first += batch.items.length;
        scanItemBatch(where, batch, opts.engine, adapters, tally, emit);
        if (opts.writer.ready) await opts.writer.ready();
        opts.onProgress?.({ filesDone: i, filesTotal: types.length, bytes: 0, items: tally.data.itemsRead });
      }
      tally.data.filesRead++;
    } catch (e) {
      const name = e instanceof Error ? e.name : "";
      const message = `${type}: ${errorInWords(e)}`;
      tally.data.filesFailed++;
      tally.data.problems.push({ level: "error", file: where, pointer: listPointer, message });
      if (name === "NoSuchConfigurationAggregatorException" || name === "AccessDeniedException") break;
    }
    opts.onProgress?.({ filesDone: i + 1, filesTotal: types.length, bytes: 0, items: tally.data.itemsRead });
  }
  const summary = tally.summary(opts.engine, [where], started);
  await opts.writer.finish(summary);
  return summary;
}

/** A page's results, parsed; one that is not JSON is an item error at its index. The type is known from the query. */
function resultsBatch(
  page: SelectAggregateResourceConfigCommandOutput,
  listPointer: string,
  first: number,
  type: string,
) {
  const items: unknown[] = [];
  const itemErrors: { index: number; message: string }[] = [];
  for (const [j, text] of (page.Results ?? []).entries()) {
    try {
      const item: unknown = JSON.parse(text);
      items.push(
        item !== null && typeof item === "object" && !Array.isArray(item) && !("resourceType" in item)
          ? { ...item, resourceType: type }
          : item,
      );
    } catch (e) {
      items.push(undefined);
      itemErrors.push({ index: first + j, message: `result is not JSON: ${(e as Error).message}` });
    }
  }
  return { listPointer, first, items, itemErrors };
}
