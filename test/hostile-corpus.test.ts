import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HandlerInputError } from "../lib/lambda/errors";
import { parseRuleEvent } from "../lib/config-rule/event";
import { DetectInputError, parseDetectEvent } from "../lib/detect/event";

/*
 * The hostile corpus under test/fixtures/hostile (each folder's README says what each file is): every event is
 * refused naming its field, every snapshot file is named with its place while the good items are still judged.
 * Policies, requests and trails of the same corpus: policy-hostile, worker-identity and audit-hostile-trails tests.
 */
const ROOT = join(__dirname, "..");
const HOSTILE = join(ROOT, "test", "fixtures", "hostile");

const EVENTS: Record<string, string> = {
  "rule-invoking-event-not-json.json": "invokingEvent: not valid JSON",
  "rule-item-without-status.json": "invokingEvent.configurationItem.configurationItemStatus: missing",
  "rule-item-without-capture-time.json": "invokingEvent.configurationItem.configurationItemCaptureTime: missing",
  "rule-item-resource-id-number.json": "invokingEvent.configurationItem.resourceId: must be a string (is number)",
  "rule-message-type-unknown.json": "invokingEvent.messageType: must be one of",
  "rule-policy-id-not-text.json": "ruleParameters.policyId: must be a string (is number)",
  "eventbridge-empty-id.json": "EventBridge event: id: must not be empty",
  "eventbridge-empty-region.json": "region: must not be empty",
  "eventbridge-empty-source.json": "source: must not be empty",
  "cloudtrail-detail-not-object.json": "(AWS API Call via CloudTrail): detail: ",
  "cloudtrail-event-time-not-a-time.json": "(AWS API Call via CloudTrail): detail.eventTime: ",
  "cloudtrail-without-event-name.json": "(AWS API Call via CloudTrail): detail.eventName: ",
};

describe("hostile events", () => {
  const files = readdirSync(join(HOSTILE, "events")).filter((f) => f.endsWith(".json"));

  it("the corpus and the table list the same files", () => {
    expect(files.sort()).toEqual(Object.keys(EVENTS).sort());
  });

  it.each(Object.entries(EVENTS))("%s is refused, naming %s", (file, expected) => {
    const event = JSON.parse(readFileSync(join(HOSTILE, "events", file), "utf8")) as unknown;
    const rule = file.startsWith("rule-");
    let error: unknown;
    try {
      if (rule) parseRuleEvent(event);
      else parseDetectEvent(event);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(rule ? HandlerInputError : DetectInputError);
    expect((error as Error).message).toContain(expected);
  });
});

describe("hostile snapshot files", () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) {
      execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
    }
  });

  it("scan names every bad file and place, judges the good items, and exits 3", () => {
    const out = join(mkdtempSync(join(tmpdir(), "guardrail-hostile-")), "report.json");
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, "bin", "guardrail.js"),
        "scan",
        "--snapshot",
        join(HOSTILE, "items"),
        "--format",
        "json",
        "--out",
        out,
      ],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "true", NO_COLOR: "1" } },
    );
    expect(r.status).toBe(3);
    const at = (f: string) => join(HOSTILE, "items", f);
    for (const line of [
      `${at("snapshot-truncated.json")}: not JSON: unexpected end of data (inside a string) at byte`,
      `${at("snapshot-item-2000-levels.json")}: not JSON: nested deeper than 1000 levels at byte`,
      `${at("snapshot-item-not-object.json")} /configurationItems/1: configuration item is not an object`,
      `${at("snapshot-two-item-lists.json")}: not JSON: a second item list, "configurationItems" at byte`,
    ]) {
      expect(r.stderr).toContain(line);
    }
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const report = JSON.parse(readFileSync(out, "utf8")) as { results: { resourceId: string }[] };
    // The good items of the damaged files are still judged (the queue of every file's good items).
    expect(report.results.length).toBeGreaterThan(0);
  });
});
