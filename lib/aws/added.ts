import type { ServiceModule } from "./service";

/**
 * Service modules of extension packs (docs/extending.md), added at run time to the built-in ones of ./services/.
 * Kept apart from ./registry.ts so that the remediation executor can read them without loading every built-in
 * client; `generation` tells caches built from the lists that they changed.
 */
const added: ServiceModule[] = [];
let generation = 0;

export function addServiceModules(modules: readonly ServiceModule[]): void {
  added.push(...modules);
  generation++;
}

export function addedServiceModules(): readonly ServiceModule[] {
  return added;
}

/** Changes each time modules are added. */
export function addedGeneration(): number {
  return generation;
}
