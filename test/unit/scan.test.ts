import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Engine } from "../../lib/engine/evaluate";
import { loadPolicies } from "../../lib/policy/load";
import { scanConfigFiles } from "../../lib/scan";
import { CollectingWriter } from "../helpers/collect";
import { recorded } from "../helpers/recorded";
import { snapshot, sqsItem } from "../helpers/sqs-snapshot";

const engine = new Engine(loadPolicies().policies);

async function scan(inputs: string[]) {
  const writer = new CollectingWriter();
  const summary = await scanConfigFiles({ inputs, engine, writer });
  return { summary, evaluations: writer.evaluations };
}

describe("scanConfigFiles", () => {
  const dir = mkdtempSync(join(tmpdir(), "guardrail-scan-"));
  const good = join(dir, "good.json.gz");
  writeFileSync(good, gzipSync(snapshot([sqsItem("orders", { SqsManagedSseEnabled: "true" }), sqsItem("plain", {})])));

  test("reads a gzipped Config snapshot and judges each item", async () => {
    const { summary, evaluations } = await scan([good]);
    const enc = evaluations.filter((e) => e.policyId === "sqs-queue-encrypted");
    expect(enc.map((e) => [e.resourceName, e.compliance])).toEqual([
      ["orders", "COMPLIANT"],
      ["plain", "NON_COMPLIANT"],
    ]);
    expect(summary.files).toEqual({ read: 1, failed: 0 });
    expect(summary.items.read).toBe(2);
    expect(summary.problems).toEqual([]);
  });

  test("a truncated .gz, a file that is not JSON and an unknown shape are named and skipped; the rest is scanned", async () => {
    const bad = mkdtempSync(join(tmpdir(), "guardrail-bad-"));
    const gz = gzipSync(snapshot([sqsItem("x", {})]));
    writeFileSync(join(bad, "a-truncated.json.gz"), gz.subarray(0, gz.length - 20));
    writeFileSync(join(bad, "b-not-json.json"), "<html>503 Service Unavailable</html>");
    writeFileSync(join(bad, "c-other.json"), JSON.stringify({ hello: "world" }));
    writeFileSync(join(bad, "d-good.json"), snapshot([sqsItem("ok", { SqsManagedSseEnabled: "true" })]));
    const { summary, evaluations } = await scan([bad]);
    expect(summary.files).toEqual({ read: 1, failed: 3 });
    expect(summary.problems.map((p) => [p.level, p.file.slice(bad.length + 1), p.message.split(":")[0]])).toEqual([
      ["error", "a-truncated.json.gz", "not a valid gzip file (Z_BUF_ERROR); truncated?"],
      ["error", "b-not-json.json", "not JSON"],
      ["error", "c-other.json", "not a Config snapshot or Config API output"],
    ]);
    expect(evaluations.some((e) => e.resourceName === "ok")).toBe(true);
  });

  test("a file that breaks off mid-item: the items before the break are judged, the file is named failed with byte and item", async () => {
    const file = join(dir, "cut.json");
    const text = snapshot([sqsItem("a", {}), sqsItem("b", {}), sqsItem("c", {})]);
    const cut = text.indexOf('"resourceName":"c"');
    writeFileSync(file, text.slice(0, cut + 10));
    const { summary, evaluations } = await scan([file]);
    expect([...new Set(evaluations.map((e) => e.resourceName))]).toEqual(["a", "b"]);
    expect(summary.files).toEqual({ read: 0, failed: 1 });
    expect(summary.items.read).toBe(2);
    expect(summary.problems).toEqual([
      {
        level: "error",
        file,
        message: `not JSON: unexpected end of data (inside a string) at byte ${cut + 10}, in /configurationItems/2`,
      },
    ]);
  });

  test("a malformed item is reported at its JSON pointer; items of types no policy covers are a warning", async () => {
    const invoking = JSON.parse(
      recorded<{ invokingEvent: string }>("config-rule-invocation-change.json").invokingEvent,
    ) as {
      configurationItem: unknown;
    };
    const file = join(dir, "mixed.json");
    writeFileSync(
      file,
      snapshot([sqsItem("a", {}), { resourceId: "no-type" }, invoking.configurationItem, invoking.configurationItem]),
    );
    const { summary } = await scan([file]);
    expect(summary.problems).toEqual([
      {
        level: "error",
        file,
        pointer: "/configurationItems/1/resourceType",
        message: "configuration item has no resourceType",
      },
      {
        level: "warning",
        file,
        pointer: "/configurationItems/2",
        message:
          "no policy covers 1 resource type; 2 items not evaluated (AWS::EC2::Instance 2), the first AWS::EC2::Instance here",
      },
    ]);
    expect(summary.items.notCovered).toEqual({ "AWS::EC2::Instance": 2 });
  });

  test("in a synced Config bucket only the newest snapshot of each account and region is scanned", async () => {
    const bucket = mkdtempSync(join(tmpdir(), "guardrail-bucket-"));
    // Keys as AWS Config delivers them (AWS Config Developer Guide, "Example Configuration Snapshot Delivery
    // Notification").
    const put = (key: string, body: string) => {
      mkdirSync(join(bucket, key, ".."), { recursive: true });
      writeFileSync(join(bucket, key), gzipSync(body));
    };
    const day = (d: number, items: unknown[]) =>
      put(
        `AWSLogs/111122223333/Config/eu-west-1/2026/11/${d}/ConfigSnapshot/111122223333_Config_eu-west-1_ConfigSnapshot_202611${String(d).padStart(2, "0")}T080000Z_0b7c3f2e-5d5e-4c1a-9a4e-2f1d6c8b9e1${d % 10}.json.gz`,
        snapshot(items),
      );
    day(20, [sqsItem("orders", {})]);
    day(21, [sqsItem("orders", { SqsManagedSseEnabled: "true" })]);
    put(
      "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/21/111122223333_CloudTrail_eu-west-1_20261121T0805Z_Mu0KsOhtH1ar15ZZ.json.gz",
      JSON.stringify({ Records: [] }),
    );
    const { summary, evaluations } = await scan([bucket]);
    expect(summary.files.read).toBe(1);
    expect(evaluations.find((e) => e.policyId === "sqs-queue-encrypted")?.compliance).toBe("COMPLIANT");
    expect(summary.problems.map((p) => [p.level, p.message.split(":")[0]])).toEqual([
      ["warning", "1 older Config snapshot not scanned"],
      ["warning", "1 file in the AWSLogs layout not scanned"],
    ]);
    expect(summary.problems.every((p) => p.level !== "error")).toBe(true);
  });

  test("a missing input among several is an error; the others are still scanned", async () => {
    const { summary } = await scan([good, join(dir, "nope")]);
    expect(summary.files.read).toBe(1);
    expect(summary.problems).toEqual([
      { level: "error", file: join(dir, "nope"), message: "no such file or directory" },
    ]);
  });

  test("a missing input is an error, not a crash", async () => {
    const { summary } = await scan([join(dir, "nope")]);
    expect(summary.problems[0]).toMatchObject({ level: "error", message: "no such file or directory" });
  });

  test("reads the output of SelectResourceConfig (recorded), inferring the type from the stage ARN", async () => {
    const response = recorded<{ data: unknown }>("config-select-resource-config-apigateway-stage.json");
    // The recorder wraps the response as {status_code, data}; `aws configservice select-resource-config` prints `data`.
    const file = join(dir, "select.json");
    writeFileSync(file, JSON.stringify(response.data));
    const { summary, evaluations } = await scan([file]);
    expect(summary.problems).toEqual([]);
    expect(summary.items.evaluated).toBe(3);
    const stages = new Set(evaluations.map((e) => e.resourceId));
    expect([...stages].sort()).toEqual([
      "arn:aws:apigateway:us-east-2::/restapis/3qcpw4j8pi/stages/dev",
      "arn:aws:apigateway:us-east-2::/restapis/3qcpw4j8pi/stages/prod",
      "arn:aws:apigateway:us-east-2::/restapis/d2vdh748ta/stages/api",
    ]);
    expect(evaluations.every((e) => e.region === "us-east-2")).toBe(true);
    // None of the recorded stages has X-Ray tracing on.
    expect(evaluations.filter((e) => e.policyId === "apigateway-stage-xray-tracing").map((e) => e.compliance)).toEqual([
      "NON_COMPLIANT",
      "NON_COMPLIANT",
      "NON_COMPLIANT",
    ]);
  });
});
