import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../lib/util/package-root";

/**
 * Data the comparison evaluators share with the policy they mirror: the checks are written by hand, but the list
 * of supported Lambda runtimes is the policy's own, so the three evaluators cannot drift on it.
 */
function supportedRuntimes(): string[] {
  const file = join(packageRoot(), "policies", "lambda", "lambda-function-supported-runtime.json");
  const policy = JSON.parse(readFileSync(file, "utf8")) as {
    compliant: { properties: { runtime: { enum: string[] } } };
  };
  return policy.compliant.properties.runtime.enum;
}

export const SUPPORTED_RUNTIMES: readonly string[] = supportedRuntimes();
