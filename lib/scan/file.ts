import { resourceFromConfigItem, type Resource, type ResourceAdapter } from "../resources/adapter";
import { ConfigItemError, toConfigItem } from "../resources/config-item";
import type { Engine, AnyEvaluation as Evaluation } from "../engine/evaluate";
import { isObject } from "../util/json";
import { InputFileError, ItemFileReader, type ItemBatch } from "../sources/config-files";
import type { ScanTally } from "./tally";

/**
 * One file, read as a stream and scanned batch by batch; the generator pauses after each batch (the caller waits
 * for its writer, or sends what the batch produced). A file that cannot be read, or breaks off, is counted failed
 * and its problem recorded after the verdicts and problems of the items read before the break: the report names
 * it, and the scan exits 3 (incomplete). Anything else thrown is Guardrail's own bug and is not caught.
 */
export async function* scanFile(
  file: string,
  engine: Engine,
  adapters: ReadonlyMap<string, ResourceAdapter>,
  tally: ScanTally,
  emit: (e: Evaluation) => void,
  /** Supplies the bytes when they are not a local file's (an S3 object's body); `file` then only names it. */
  open?: () => Promise<AsyncIterable<Uint8Array>>,
): AsyncGenerator<void, void, undefined> {
  const reader = new ItemFileReader(file, open);
  let counted = 0;
  try {
    for await (const batch of reader.batches()) {
      scanItemBatch(file, batch, engine, adapters, tally, emit);
      tally.data.bytes += reader.bytes - counted;
      counted = reader.bytes;
      yield;
    }
    tally.data.bytes += reader.bytes - counted;
    tally.data.filesRead++;
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    tally.data.filesFailed++;
    tally.data.problems.push({ level: "error", file, message: e.message });
  }
}

/**
 * One batch of a file's items through adapters and engine: the step both the in-process scan and the scan workers
 * run, batch by batch as the file is read. Every verdict goes to `emit`; counts and problems go to `tally` (the
 * file itself is counted by the caller, once it was read to its end).
 */
export function scanItemBatch(
  file: string,
  batch: ItemBatch,
  engine: Engine,
  adapters: ReadonlyMap<string, ResourceAdapter>,
  tally: ScanTally,
  emit: (e: Evaluation) => void,
): void {
  const t = tally.data;
  const { listPointer, items, first } = batch;
  for (const e of batch.itemErrors) {
    t.problems.push({ level: "error", file, pointer: `${listPointer}/${e.index}`, message: e.message });
  }
  for (let j = 0; j < items.length; j++) {
    const raw = items[j];
    if (raw === undefined) continue;
    t.itemsRead++;
    const pointer = `${listPointer}/${first + j}`;
    let item;
    try {
      item = toConfigItem(withInferredType(raw, adapters));
    } catch (e) {
      const where = e instanceof ConfigItemError ? e.path : "";
      t.problems.push({ level: "error", file, pointer: pointer + where, message: (e as Error).message });
      continue;
    }
    const adapter = adapters.get(item.resourceType);
    if (!adapter || !engine.coversType(item.resourceType)) {
      tally.notCovered(item.resourceType, file, pointer);
      continue;
    }
    let resource;
    try {
      resource = resourceFromConfigItem(adapter, item);
    } catch (e) {
      t.problems.push({
        level: "error",
        file,
        pointer,
        message: `${item.resourceType} ${item.resourceId}: ${(e as Error).message}`,
      });
      continue;
    }
    judgeResource(resource, { file, pointer }, engine, tally, emit);
  }
}

/** One resource judged by every policy of its type: each verdict named by its source, counted and emitted. */
export function judgeResource(
  resource: Resource,
  source: { file: string; pointer: string },
  engine: Engine,
  tally: ScanTally,
  emit: (e: Evaluation) => void,
): void {
  tally.data.evaluated++;
  if (resource.deleted) tally.data.deleted++;
  for (const e of engine.evaluate(resource)) {
    e.source = source;
    tally.count(e);
    emit(e);
  }
}

/**
 * SelectResourceConfig returns only the selected fields; a query that did not select `resourceType` still
 * identifies the resource by its resourceId (an ARN for API Gateway stages), which the adapters recognise.
 */
function withInferredType(raw: unknown, adapters: ReadonlyMap<string, ResourceAdapter>): unknown {
  if (!isObject(raw) || typeof raw.resourceType === "string" || typeof raw.resourceId !== "string") return raw;
  const id = raw.resourceId;
  for (const a of adapters.values()) {
    if (a.resourceIdPattern?.test(id)) {
      const arn = /^arn:aws[\w-]*:[\w-]+:([a-z0-9-]*):(\d{12})?/.exec(id);
      return {
        ...raw,
        resourceType: a.type,
        ...(raw.awsRegion === undefined && arn?.[1] ? { awsRegion: arn[1] } : {}),
        ...(raw.accountId === undefined && raw.awsAccountId === undefined && arn?.[2] ? { accountId: arn[2] } : {}),
      };
    }
  }
  return raw;
}
