import { resourceFromConfigItem, type ResourceAdapter } from "../resources/adapter";
import { ConfigItemError, toConfigItem } from "../resources/config-item";
import type { Engine, AnyEvaluation as Evaluation } from "../engine/evaluate";
import { isObject } from "../util/json";
import type { ItemFile } from "../sources/config-files";
import type { ScanTally } from "./tally";

/**
 * One file's items through adapters and engine: the step both the in-process scan and the scan workers run.
 * Every verdict goes to `emit`; counts and problems go to `tally`.
 */
export function scanItemFile(
  file: ItemFile,
  engine: Engine,
  adapters: ReadonlyMap<string, ResourceAdapter>,
  tally: ScanTally,
  emit: (e: Evaluation) => void,
): void {
  const t = tally.data;
  t.filesRead++;
  t.bytes += file.bytes;
  for (const e of file.itemErrors) {
    t.problems.push({ level: "error", file: file.file, pointer: `${file.listPointer}/${e.index}`, message: e.message });
  }
  const items = file.items;
  for (let index = 0; index < items.length; index++) {
    const raw = items[index];
    if (raw === undefined) continue;
    t.itemsRead++;
    const pointer = `${file.listPointer}/${index}`;
    let item;
    try {
      item = toConfigItem(withInferredType(raw, adapters));
    } catch (e) {
      const where = e instanceof ConfigItemError ? e.path : "";
      t.problems.push({ level: "error", file: file.file, pointer: pointer + where, message: (e as Error).message });
      continue;
    }
    const adapter = adapters.get(item.resourceType);
    if (!adapter || !engine.coversType(item.resourceType)) {
      tally.notCovered(item.resourceType, file.file, pointer);
      continue;
    }
    let resource;
    try {
      resource = resourceFromConfigItem(adapter, item);
    } catch (e) {
      t.problems.push({
        level: "error",
        file: file.file,
        pointer,
        message: `${item.resourceType} ${item.resourceId}: ${(e as Error).message}`,
      });
      continue;
    }
    t.evaluated++;
    if (resource.deleted) t.deleted++;
    const source = { file: file.file, pointer };
    for (const e of engine.evaluate(resource)) {
      e.source = source;
      tally.count(e);
      emit(e);
    }
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
