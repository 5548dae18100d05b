import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Payloads recorded from real AWS accounts (test/fixtures/aws-recorded). They are read as they are: see that
 * folder's README for what each one is and where it was recorded.
 */
export const RECORDED_DIR = join(__dirname, "..", "fixtures", "aws-recorded");

export function recorded<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(RECORDED_DIR, name), "utf8")) as T;
}
