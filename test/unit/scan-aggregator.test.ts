import {
  ConfigServiceClient,
  NoSuchConfigurationAggregatorException,
  SelectAggregateResourceConfigCommand,
} from "@aws-sdk/client-config-service";
import { mockClient } from "aws-sdk-client-mock";
import { resetClients } from "../../lib/aws/clients";
import { Engine } from "../../lib/engine/evaluate";
import { loadPolicies } from "../../lib/policy/load";
import { scanAggregator } from "../../lib/scan/aggregator";
import { CollectingWriter } from "../helpers/collect";
import { recorded } from "../helpers/recorded";

/**
 * `scan --aggregator`: one SelectAggregateResourceConfig query per covered type, paginated. moto does not
 * implement SelectAggregateResourceConfig (it answers an HTML page), so the client is mocked and the exact inputs
 * asserted (AWS Config API Reference, SelectAggregateResourceConfig: Expression, ConfigurationAggregatorName,
 * Limit up to 100, NextToken).
 *
 * Results: the recorded SelectResourceConfig results for three API Gateway stages
 * (config-select-resource-config-apigateway-stage.json) selected resourceId, configuration and
 * supplementaryConfiguration; `SELECT *` also returns the item's top-level properties (accountId, awsRegion,
 * resourceType, ...: the queryable properties of awslabs/aws-config-resource-schema, config/properties/
 * AWS.properties.json), which are added here as an aggregator adds them, two accounts over two pages.
 */

const engine = new Engine(loadPolicies().policies);
const config = mockClient(ConfigServiceClient);
const stages = recorded<{ data: { Results: string[] } }>("config-select-resource-config-apigateway-stage.json").data
  .Results;
const selectStar = (text: string, accountId: string) => {
  const item = JSON.parse(text) as { resourceId: string };
  const region = /^arn:aws:apigateway:([a-z0-9-]+)::/.exec(item.resourceId)?.[1] ?? "us-east-1";
  return JSON.stringify({ accountId, awsRegion: region, resourceType: "AWS::ApiGateway::Stage", ...item });
};

beforeEach(() => {
  config.reset();
  resetClients();
});
afterAll(() => config.restore());

async function scan(aggregator = "org") {
  const writer = new CollectingWriter();
  const summary = await scanAggregator({ aggregator, engine, writer, region: "us-east-1" });
  return { summary, evaluations: writer.evaluations };
}

test("one paginated query per covered type; every result judged as a snapshot item is", async () => {
  const stage = "SELECT * WHERE resourceType = 'AWS::ApiGateway::Stage'";
  // The SDK's paginator reuses one input object across pages: each call's input is copied as it is sent.
  const sent: Record<string, unknown>[] = [];
  config.on(SelectAggregateResourceConfigCommand).callsFake((input: Record<string, unknown>) => {
    sent.push({ ...input });
    if (input.Expression !== stage) return { Results: [] };
    if (input.NextToken === undefined) {
      return { Results: [selectStar(stages[0] as string, "111122223333")], NextToken: "page-2" };
    }
    return { Results: stages.slice(1).map((s) => selectStar(s, "444455556666")) };
  });
  const { summary, evaluations } = await scan();

  const covered = engine.policies.flatMap((p) => ("resourceTypes" in p.policy.subject ? p.policy.subject.resourceTypes : [])); // prettier-ignore
  const expressions = [...new Set(covered)].sort().map((t) => `SELECT * WHERE resourceType = '${t}'`);
  const expected = expressions.flatMap((Expression) => [
    { ConfigurationAggregatorName: "org", Expression, Limit: 100 },
    ...(Expression === stage ? [{ ConfigurationAggregatorName: "org", Expression, Limit: 100, NextToken: "page-2" }] : []), // prettier-ignore
  ]);
  expect(sent.map((i) => JSON.parse(JSON.stringify(i)) as unknown)).toEqual(expected);

  expect(summary.items.read).toBe(3);
  expect(summary.items.evaluated).toBe(3);
  expect(summary.problems.filter((p) => p.level === "error")).toEqual([]);
  const accounts = new Set(evaluations.map((e) => e.accountId));
  expect([...accounts].sort()).toEqual(["111122223333", "444455556666"]);
  expect(evaluations.every((e) => e.resourceType === "AWS::ApiGateway::Stage")).toBe(true);
  expect(evaluations[0]?.source).toEqual({ file: "aggregator org", pointer: "/AWS::ApiGateway::Stage/0" });
  expect(evaluations.some((e) => e.compliance === "NON_COMPLIANT" || e.compliance === "COMPLIANT")).toBe(true);
});

test("a type whose query fails is an error naming it; the others are still scanned", async () => {
  config.on(SelectAggregateResourceConfigCommand).resolves({ Results: [] });
  config
    .on(SelectAggregateResourceConfigCommand, { Expression: "SELECT * WHERE resourceType = 'AWS::SQS::Queue'" })
    .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
  config
    .on(SelectAggregateResourceConfigCommand, { Expression: "SELECT * WHERE resourceType = 'AWS::ApiGateway::Stage'" })
    .resolves({ Results: [selectStar(stages[0] as string, "111122223333"), "{not json"] });
  const { summary } = await scan();
  const errors = summary.problems.filter((p) => p.level === "error");
  expect(errors).toEqual([
    expect.objectContaining({ file: "aggregator org", pointer: "/AWS::ApiGateway::Stage/1", message: expect.stringMatching(/^result is not JSON/) }), // prettier-ignore
    { level: "error", file: "aggregator org", pointer: "/AWS::SQS::Queue", message: "AWS::SQS::Queue: ThrottlingException: Rate exceeded" }, // prettier-ignore
  ]);
  expect(summary.items.evaluated).toBe(1);
  expect(summary.files.failed).toBe(1);
});

test("an aggregator that does not exist stops at the first query, saying so", async () => {
  config.on(SelectAggregateResourceConfigCommand).rejects(
    new NoSuchConfigurationAggregatorException({
      message: "The configuration aggregator does not exist. Check the configuration aggregator name and try again.",
      $metadata: {},
    }),
  );
  const { summary } = await scan("nope");
  expect(config.commandCalls(SelectAggregateResourceConfigCommand)).toHaveLength(1);
  expect(summary.problems.filter((p) => p.level === "error")).toEqual([
    expect.objectContaining({ file: "aggregator nope", message: expect.stringContaining("NoSuchConfigurationAggregatorException: The configuration aggregator does not exist") }), // prettier-ignore
  ]);
});
