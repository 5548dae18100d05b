import { remediationProblems } from "./checks";
import { ExtensionPackError, loadExtensionPack } from "./extensions";
import type { CompiledPolicy } from "../policy/load";
import { loadPack, PackError, packPolicyPaths, type Pack, type PackSpec } from "./index";
import { isEmptySelection, type PolicySelection, SelectionError, selectPolicies } from "./select";

/**
 * A pack for the CLI and its worker threads: the spec's extension packs' modules registered (compiled from their
 * source), then ./index.ts loadPack with the policies' remediations checked against the actions (./checks.ts).
 * The spec's selection (`--policy`, `--severity`, ...: ./select.ts) is applied here, in the worker threads as in the
 * main thread. Lambda handlers use loadPack alone: their bundles register their packs, and the pack was checked
 * before deploy.
 */
export function loadPackWithExtensions(spec: PackSpec): Pack {
  registerExtensions(spec);
  const { select } = spec;
  return loadPack(spec, {
    check: remediationProblems,
    ...(isEmptySelection(select) ? {} : { select: (policies) => selectOrPackError(policies, select) }),
  });
}

/** The policies a selection keeps (./select.ts); a selection that cannot be made is a PackError (a usage error). */
export function selectOrPackError(policies: CompiledPolicy[], select: PolicySelection | undefined): CompiledPolicy[] {
  try {
    return selectPolicies(policies, select);
  } catch (e) {
    if (e instanceof SelectionError) throw new PackError(e.message);
    throw e;
  }
}

/** packPolicyPaths, with the extension packs' modules registered first (their policies name their types). */
export function policyPathsWithExtensions(spec: PackSpec): string[] {
  registerExtensions(spec);
  return packPolicyPaths(spec);
}

function registerExtensions(spec: PackSpec): void {
  try {
    for (const dir of spec.extensionPacks ?? []) loadExtensionPack(dir);
  } catch (e) {
    if (e instanceof ExtensionPackError) throw new PackError(e.message);
    throw e;
  }
}
