import type { ResourceRef } from "./adapter";
import { LISTERS } from "./types/listers";

/**
 * The live listing of one resource type, for `scan --live`: every resource of the type in one account and Region,
 * paginated, as the references its describe (./describe.ts) takes — Config's resourceId for each. Each type's
 * listing is a module of its own beside its adapter (`./types/<type>.list.ts`), loaded by the CLI alone: no
 * handler lists anything, so none carries this code.
 */
export interface Lister {
  /** The AWS Config resource type it lists. */
  type: string;
  /**
   * A global service's type (CloudFront, IAM) is listed once, from the partition's home Region, and its resources
   * carry that Region as Config records them.
   */
  global?: boolean;
  /** Every resource of the type; AWS errors (access denied, throttling after the client's retries) are thrown. */
  list(scope: ListScope): AsyncIterable<ResourceRef>;
}

export interface ListScope {
  accountId: string;
  region: string;
}

/** Every built-in listing, by type. */
export function listers(): ReadonlyMap<string, Lister> {
  return new Map(LISTERS.map((l) => [l.type, l]));
}
