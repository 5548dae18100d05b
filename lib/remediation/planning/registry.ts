import { closest } from "fastest-levenshtein";
import { ACTIONS } from "../../../remediations/actions";
import type { RemediationAction } from "../types";

let actions: Map<string, RemediationAction> | undefined;
const added: RemediationAction[] = [];

/** Remediation actions of an extension pack (docs/extending.md). */
export function addActions(list: readonly RemediationAction[]): void {
  added.push(...list);
  actions = undefined;
}

/** Every action of remediations/actions/ (one file per action, listed in its index.ts), keyed by id. */
export function remediationActions(): Map<string, RemediationAction> {
  if (!actions) {
    const found = new Map<string, RemediationAction>();
    for (const a of [...ACTIONS, ...added]) {
      if (found.has(a.id)) throw new Error(`two remediation actions with id ${a.id}`);
      found.set(a.id, a);
    }
    actions = found;
  }
  return actions;
}

export function actionFor(id: string): RemediationAction | undefined {
  return remediationActions().get(id);
}

/** The action, or an error naming the closest id (a policy's typo should read as one). */
export function requireAction(id: string): RemediationAction {
  const a = actionFor(id);
  if (a) return a;
  const ids = [...remediationActions().keys()];
  const hint = ids.length > 0 ? ` (did you mean ${closest(id, ids)}?)` : "";
  throw new Error(`unknown remediation action "${id}"${hint}`);
}
