import type { Described, Resource, ResourceRef } from "./adapter";
import { adapterFor } from "./registry";
import { addedDescribers, addedDescribersGeneration } from "./added";
import { DESCRIBERS } from "./types/describers";
import { isObject } from "../util/json";

/**
 * The live describe: one resource, named as Config names it, described with the SDK now and turned by its
 * adapter's `fromDescribe` into the same document the Config rule judges. Each type's describe is a module of its
 * own beside its adapter (`./types/<type>.describe.ts`, listed in ./types/describers.ts), so that scans, which load
 * the adapters, load no SDK.
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

let byType: Map<string, Describer> | undefined;
let generation = -1;

function describers(): Map<string, Describer> {
  if (!byType || generation !== addedDescribersGeneration()) {
    generation = addedDescribersGeneration();
    byType = new Map();
    for (const d of [...DESCRIBERS, ...addedDescribers()]) {
      if (byType.has(d.type)) throw new Error(`two live describes for ${d.type}`);
      byType.set(d.type, d);
    }
  }
  return byType;
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
  return describers().has(type) && adapterFor(type)?.fromDescribe !== undefined;
}

/**
 * The resource now, or undefined when it no longer exists; UnsupportedDescribeError for a type without a describe.
 * The Resource's `capturedAt` is the time of the describe.
 */
export async function describeResource(ref: ResourceRef): Promise<Resource | undefined> {
  const describer = describers().get(ref.type);
  const adapter = adapterFor(ref.type);
  if (!describer || !adapter?.fromDescribe) throw new UnsupportedDescribeError(ref.type);
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
