import type { ResourceAdapter, ResourceIdentity } from "./adapter";
import { REFERENCES } from "./references";
import { ADAPTERS } from "./types";

let adapters: Map<string, ResourceAdapter> | undefined;
let identities: Map<string, ResourceIdentity> | undefined;
const added: { adapters: ResourceAdapter[]; references: ResourceIdentity[] } = { adapters: [], references: [] };

/** Resource types of an extension pack (docs/extending.md), added to the built-in ones of ./types/ and ./references/. */
export function addResourceTypes(types: {
  adapters?: readonly ResourceAdapter[];
  references?: readonly ResourceIdentity[];
}): void {
  added.adapters.push(...(types.adapters ?? []));
  added.references.push(...(types.references ?? []));
  adapters = undefined;
  identities = undefined;
}

function byType<T extends { type: string }>(list: readonly T[], what: string): Map<string, T> {
  const map = new Map<string, T>();
  for (const x of list) {
    if (map.has(x.type)) throw new Error(`two ${what} for ${x.type}`);
    map.set(x.type, x);
  }
  return map;
}

/** Every adapter of ./types/ (listed in ./types/index.ts) and of extension packs, keyed by AWS Config resource type. */
export function resourceAdapters(): Map<string, ResourceAdapter> {
  adapters ??= byType([...ADAPTERS, ...added.adapters], "resource adapters");
  return adapters;
}

export function adapterFor(type: string): ResourceAdapter | undefined {
  return resourceAdapters().get(type);
}

/** The identity of every type Guardrail knows: the adapters', and the referenced-only types of ./references/. */
export function resourceIdentities(): ReadonlyMap<string, ResourceIdentity> {
  identities ??= byType<ResourceIdentity>(
    [...ADAPTERS, ...added.adapters, ...REFERENCES, ...added.references],
    "resource type identities",
  );
  return identities;
}

/** Attachment type → the type it attaches to in a template (`AWS::SQS::QueuePolicy` → `AWS::SQS::Queue`). */
export function attachmentTypes(): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const a of resourceAdapters().values()) for (const t of a.cloudFormation?.attachments ?? []) out.set(t, a.type);
  return out;
}
