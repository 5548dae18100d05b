import type { Described, Resource, ResourceRef } from "./adapter";
import { adapterFor } from "./registry";
import { addedDescribers, addedDescribersGeneration } from "./added";
import { DESCRIBER_LOADERS } from "./types/describers";
import { isObject } from "../util/json";

/**
 * The live describe: one resource, named as Config names it, described with the SDK now and turned by its
 * adapter's `fromDescribe` into the same document the Config rule judges. Each type's describe is a module of its
 * own beside its adapter (`./types/<type>.describe.ts`), loaded on first use through ./types/describers.ts: scans,
 * which load the adapters, load no SDK, and a handler loads the describe (and SDK client) of the types its events
 * name, not of all of them.
 */
export interface Describer {
  /** The AWS Config resource type it describes. */
  type: string;
  /**
   * The SDK responses `fromDescribe` reads, keyed by operation name; undefined when the resource no longer exists.
   * AWS errors other than "not found" (throttling after the client's retries, access denied) are thrown.
   */
  describe(ref: ResourceRef): Promise<Described | undefined>;
}

let added: { byType: Map<string, Describer>; generation: number } | undefined;

/** Extension packs' describes by type (lib/resources/added.ts); a type described twice is an error. */
function addedByType(): Map<string, Describer> {
  if (!added || added.generation !== addedDescribersGeneration()) {
    const byType = new Map<string, Describer>();
    for (const d of addedDescribers()) {
      if (byType.has(d.type) || Object.hasOwn(DESCRIBER_LOADERS, d.type))
        throw new Error(`two live describes for ${d.type}`);
      byType.set(d.type, d);
    }
    added = { byType, generation: addedDescribersGeneration() };
  }
  return added.byType;
}

function hasDescriber(type: string): boolean {
  return Object.hasOwn(DESCRIBER_LOADERS, type) || addedByType().has(type);
}

const loaded = new Map<string, Promise<Describer>>();

/** The describe of a type, its module loaded on first use; undefined when there is none. */
async function describerOf(type: string): Promise<Describer | undefined> {
  const fromPack = addedByType().get(type);
  if (fromPack) return fromPack;
  if (!Object.hasOwn(DESCRIBER_LOADERS, type)) return undefined;
  let describer = loaded.get(type);
  if (!describer) {
    describer = (DESCRIBER_LOADERS[type] as () => Promise<Describer>)();
    loaded.set(type, describer);
    // A failed load (a chunk missing from a broken deployment) is tried again by the next event, not cached.
    describer.catch(() => loaded.delete(type));
  }
  return describer;
}

/** A live describe was asked for a type Guardrail cannot describe (no describe module, or no adapter `fromDescribe`). */
export class UnsupportedDescribeError extends Error {
  constructor(readonly resourceType: string) {
    super(`no live describe for ${resourceType} (the Config rule judges it)`);
    this.name = "UnsupportedDescribeError";
  }
}

/** Whether `describeResource` can describe this type (else it throws UnsupportedDescribeError). */
export function canDescribe(type: string): boolean {
  return hasDescriber(type) && adapterFor(type)?.fromDescribe !== undefined;
}

/**
 * The resource now, or undefined when it no longer exists; UnsupportedDescribeError for a type without a describe.
 * The Resource's `capturedAt` is the time of the describe.
 */
export async function describeResource(ref: ResourceRef): Promise<Resource | undefined> {
  const adapter = adapterFor(ref.type);
  if (!hasDescriber(ref.type) || !adapter?.fromDescribe) throw new UnsupportedDescribeError(ref.type);
  const describer = await describerOf(ref.type);
  if (!describer) throw new UnsupportedDescribeError(ref.type);
  const described = await describer.describe(ref);
  if (!described) return undefined;
  const document = adapter.fromDescribe(described);
  const name = adapter.nameField === undefined ? undefined : document[adapter.nameField];
  return {
    type: ref.type,
    id: ref.id,
    name: typeof name === "string" ? name : undefined,
    arn: ref.arn ?? adapter.arn?.(ref, document),
    accountId: ref.accountId,
    region: ref.region,
    tags: isObject(document.tags) ? (document.tags as Record<string, string>) : {},
    capturedAt: new Date().toISOString(),
    deleted: false,
    document,
  };
}
