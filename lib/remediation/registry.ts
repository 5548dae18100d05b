import { join } from "node:path";
import { closest } from "fastest-levenshtein";
import { discoverModules } from "../util/discover";
import type { RemediationAction } from "./types";

/**
 * remediations/actions/, from lib/remediation/ (ts-jest) and from dist/lib/remediation/ (the build) alike: the
 * build compiles remediations/ beside lib/, so the relative path holds in both.
 */
export const ACTIONS_DIR = join(__dirname, "..", "..", "remediations", "actions");

let actions: Map<string, RemediationAction> | undefined;

/** Every action under remediations/actions/ (one file per action, `export const action`), keyed by id. */
export function remediationActions(): Map<string, RemediationAction> {
  if (!actions) {
    const found = new Map<string, RemediationAction>();
    for (const a of discoverModules<RemediationAction>(ACTIONS_DIR, "action")) {
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
