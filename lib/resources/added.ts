import type { Describer } from "./describe";

/**
 * Live describes of extension packs (docs/extending.md), added at run time to the built-in ones. Kept apart from
 * ./describe.ts, which loads every built-in describe's SDK client, so that registering a pack loads none.
 */
const added: Describer[] = [];
let generation = 0;

export function addDescribers(list: readonly Describer[]): void {
  added.push(...list);
  generation++;
}

export function addedDescribers(): readonly Describer[] {
  return added;
}

export function addedDescribersGeneration(): number {
  return generation;
}
