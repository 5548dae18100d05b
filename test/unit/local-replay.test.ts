import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderReplay } from "../../cli/commands/replay";
import { classify, replay, ReplayInputError } from "../../lib/local/replay";
import { RECORDED_DIR } from "../helpers/recorded";

/*
 * `guardrail replay` on real recorded payloads (test/fixtures/aws-recorded/, recorded from AWS by the
 * Cloud Custodian project; see its README) and on a CloudTrail record from the policy pack's own examples
 * (policies/cloudtrail/cloudtrail-no-stop-logging.json, CloudTrail User Guide record contents).
 */

const fixture = (name: string) => join(RECORDED_DIR, name);
const emptyState = () => mkdtempSync(join(tmpdir(), "guardrail-replay-state-"));

describe("guardrail replay", () => {
  test("classifies each recorded payload by its shape, and refuses one it cannot replay, naming the file", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = (n: string) => require(fixture(n)) as unknown;
    expect(classify(load("config-rule-invocation-change.json"), "a").kind).toBe("config-rule-invocation");
    expect(classify(load("eventbridge-config-item-change-sqs-queue.json"), "b").kind).toBe(
      "eventbridge-config-item-change",
    );
    expect(classify(load("eventbridge-cloudtrail-apigateway-create-stage.json"), "c").kind).toBe("cloudtrail-record");
    expect(() => classify(load("config-select-resource-config-apigateway-stage.json"), "d.json")).toThrow(
      ReplayInputError,
    );
    expect(() => classify({ "detail-type": "Scheduled Event", detail: {} }, "e.json")).toThrow(
      /e\.json: \/detail-type: "Scheduled Event"/,
    );
  });

  test("a Config item change: Guardrail's rules in scope judge the item, the violations become requests", async () => {
    const state = emptyState();
    const r = await replay({
      file: fixture("eventbridge-config-item-change-sqs-queue.json"),
      stateDir: state,
      mode: "auto",
    });
    expect(r.configRules).toEqual(expect.arrayContaining(["sqs-queue-encrypted", "sqs-queue-tls-only"]));
    expect(r.evaluations.find((e) => e.policyId === "sqs-queue-encrypted")?.compliance).toBe("NON_COMPLIANT");
    // the recorded queue policy allows events.amazonaws.com only: not public
    expect(r.evaluations.find((e) => e.policyId === "sqs-queue-not-public")?.compliance).toBe("COMPLIANT");
    expect(r.detections.filter((d) => d.source === "config").length).toBeGreaterThan(0);
    expect(r.calls.some((c) => c.call === "config:PutEvaluations")).toBe(true);
    expect(r.findings).toBe(true);
    // the state directory is left as it was
    expect(readdirSync(state)).toEqual([]);
  }, 60_000);

  test("a Config rule invocation for a type no Guardrail rule covers: nothing is invoked, nothing done", async () => {
    const r = await replay({
      file: fixture("config-rule-invocation-change.json"),
      stateDir: emptyState(),
      mode: "auto",
    });
    expect(r.configRules).toEqual([]);
    expect(r.notes.join("\n")).toMatch(/in scope for AWS::EC2::Instance: none/);
    expect(r.findings).toBe(false);
  }, 60_000);

  test("a CloudTrail record: the generated rule matches, the handler describes the stage (unknown here)", async () => {
    const r = await replay({
      file: fixture("eventbridge-cloudtrail-apigateway-create-stage.json"),
      stateDir: emptyState(),
      mode: "auto",
    });
    expect(r.eventRules).toEqual(["guardrail-local-apigateway"]);
    expect(r.calls).toEqual([
      expect.objectContaining({
        call: "apigateway:GetStage",
        readOnly: true,
        error: expect.stringMatching(/^NotFoundException/),
      }),
    ]);
    expect(r.findings).toBe(false);
  }, 60_000);

  test("a StopLogging record: the CloudTrail policy raises an alert from the record alone", async () => {
    const state = emptyState();
    const r = await replay({
      file: join(__dirname, "..", "fixtures", "local", "cloudtrail-stop-logging.json"),
      stateDir: state,
      mode: "auto",
    });
    expect(r.eventRules).toEqual(["guardrail-local-cloudtrail"]);
    expect(r.detections).toEqual([expect.objectContaining({ source: "cloudtrail", alerts: 1 })]);
    expect(r.findings).toBe(true);
    expect(existsSync(join(state, "trail"))).toBe(false);
    const text = renderReplay(r);
    expect(text).toContain("EventBridge rules matched: guardrail-local-cloudtrail");
    expect(text).toContain("CloudTrail event: 0 remediation requests, 1 alert");
    expect(text).toMatch(/Verdict: Guardrail would act on this\.\n$/);
  }, 60_000);
});
