import { join } from "node:path";
import { discoverModules } from "../util/discover";
import type { ResourceAdapter } from "./adapter";

let adapters: Map<string, ResourceAdapter> | undefined;

/** Every adapter under lib/resources/types/, keyed by AWS Config resource type. */
export function resourceAdapters(): Map<string, ResourceAdapter> {
  if (!adapters) {
    adapters = new Map();
    for (const a of discoverModules<ResourceAdapter>(join(__dirname, "types"), "adapter")) {
      if (adapters.has(a.type)) throw new Error(`two resource adapters for ${a.type}`);
      adapters.set(a.type, a);
    }
  }
  return adapters;
}

export function adapterFor(type: string): ResourceAdapter | undefined {
  return resourceAdapters().get(type);
}
