import { remediationProblems } from "./checks";
import { ExtensionPackError, loadExtensionPack } from "./extensions";
import { loadPack, PackError, packPolicyPaths, type Pack, type PackSpec } from "./index";

/**
 * A pack for the CLI and its worker threads: the spec's extension packs' modules registered (compiled from their
 * source), then ./index.ts loadPack with the policies' remediations checked against the actions (./checks.ts).
 * Lambda handlers use loadPack alone: their bundles register their packs, and the pack was checked before deploy.
 */
export function loadPackWithExtensions(spec: PackSpec): Pack {
  registerExtensions(spec);
  return loadPack(spec, { check: remediationProblems });
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
