import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

let cached: string | undefined;

/**
 * The directory holding Guardrail's package.json. Code runs both from `lib/` (ts-jest) and from
 * `dist/lib/` (the built CLI), so paths to shipped data (policies/, schemas) are resolved from here
 * rather than from `__dirname`.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${__dirname}`);
    dir = parent;
  }
  cached = dir;
  return dir;
}
