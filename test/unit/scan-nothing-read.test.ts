import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigServiceClient, SelectAggregateResourceConfigCommand } from "@aws-sdk/client-config-service";
import { mockClient } from "aws-sdk-client-mock";
import { resetClients } from "../../lib/aws/clients";
import { scanCommand } from "../../cli/commands/scan";

/**
 * An aggregator scan that reads no resource (a wrong Region or account, an aggregator still collecting) judged
 * nothing: exit 3 and a line saying so, never a green run. SelectAggregateResourceConfig's empty answer is
 * `{"Results": [], "QueryInfo": {"SelectFields": [...]}}` (AWS Config API Reference, SelectAggregateResourceConfig).
 */

const config = mockClient(ConfigServiceClient);
let stderr = "";
beforeEach(() => {
  config.reset();
  resetClients();
  stderr = "";
  jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.env.AWS_REGION = "eu-west-1";
  process.env.AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  process.env.AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
});
afterEach(() => jest.restoreAllMocks());

const item = JSON.stringify({
  version: "1.3",
  accountId: "111122223333",
  configurationItemCaptureTime: "2026-11-02T09:00:00.000Z",
  configurationItemStatus: "OK",
  configurationStateId: "1762074000000",
  arn: "arn:aws:sqs:eu-west-1:111122223333:jobs",
  resourceType: "AWS::SQS::Queue",
  resourceId: "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs",
  resourceName: "jobs",
  awsRegion: "eu-west-1",
  availabilityZone: "Not Applicable",
  tags: {},
  relatedEvents: [],
  relationships: [],
  configuration: {},
  supplementaryConfiguration: {},
});

test("an aggregator answering no resource of a covered type exits 3 and says what was asked", async () => {
  config.on(SelectAggregateResourceConfigCommand).resolves({ Results: [], QueryInfo: { SelectFields: [{ Name: "*" }] } }); // prettier-ignore
  const out = join(mkdtempSync(join(tmpdir(), "guardrail-agg-")), "r.json");
  const code = await scanCommand({ aggregator: "org", type: ["AWS::SQS::Queue"], format: "json", out, quiet: true });
  expect(code).toBe(3);
  expect(stderr).toBe(
    "guardrail: nothing was read: no resource of the 1 type the policies judge in aggregator org (run it in the aggregator's account and Region)\n",
  );
  // The report is still written: it says what was judged (nothing).
  expect(JSON.parse(readFileSync(out, "utf8"))).toMatchObject({ summary: { items: { read: 0 } } });
  expect(config.commandCalls(SelectAggregateResourceConfigCommand)).toHaveLength(1);
});

test("an aggregator answering an item is judged and exits by the verdicts", async () => {
  config.on(SelectAggregateResourceConfigCommand).resolves({ Results: [item] });
  const out = join(mkdtempSync(join(tmpdir(), "guardrail-agg-")), "r.json");
  const opts = { aggregator: "org", type: ["AWS::SQS::Queue"], policy: ["sqs-queue-tls-only"], format: "json", out, quiet: true } as const; // prettier-ignore
  expect(await scanCommand({ ...opts, type: [...opts.type], policy: [...opts.policy] })).toBe(1);
  expect(await scanCommand({ ...opts, type: [...opts.type], policy: [...opts.policy], softFail: true })).toBe(0);
  expect(stderr).toBe("");
});
