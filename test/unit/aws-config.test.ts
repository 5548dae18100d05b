import {
  BatchGetResourceConfigCommand,
  ConfigServiceClient,
  GetResourceConfigHistoryCommand,
  ListDiscoveredResourcesCommand,
  PutEvaluationsCommand,
  ConfigServiceServiceException,
  ResourceNotDiscoveredException,
  type Evaluation,
} from "@aws-sdk/client-config-service";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { clientSettings, instrumentClients, resetClients } from "../../lib/aws/clients";
import { configClient } from "../helpers/clients";
import {
  batchGet,
  FailedEvaluationsError,
  getLatestConfigurationItem,
  isThrottlingError,
  listResources,
  putEvaluations,
  UnprocessedKeysError,
} from "../../lib/aws/config";

// Request and response shapes: AWS Config API Reference, PutEvaluations, GetResourceConfigHistory,
// BatchGetResourceConfig, ListDiscoveredResources and ConfigurationItem (the API naming of items).

const config = mockClient(ConfigServiceClient);
const noSleep = { retry: { sleep: async () => undefined } };
// Config models no throttling exception; the SDK raises the service's error code as a generic service exception.
const throttled = () =>
  new ConfigServiceServiceException({
    name: "ThrottlingException",
    $fault: "client",
    message: "Rate exceeded",
    $metadata: { httpStatusCode: 400 },
  });

beforeEach(() => config.reset());

const at = new Date("2026-11-02T09:14:03.120Z");
function evaluation(i: number, extra: Partial<Evaluation> = {}): Evaluation {
  return {
    ComplianceResourceType: "AWS::SQS::Queue",
    ComplianceResourceId: `https://sqs.eu-west-1.amazonaws.com/111122223333/q${i}`,
    ComplianceType: "COMPLIANT",
    OrderingTimestamp: at,
    ...extra,
  };
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("lib/aws/clients", () => {
  afterEach(() => {
    instrumentClients(undefined);
    resetClients();
  });

  test("settings: region from the argument or the environment, endpoint override, adaptive bounded retries", () => {
    expect(clientSettings(undefined, { AWS_REGION: "eu-west-1" })).toEqual({
      region: "eu-west-1",
      maxAttempts: 3,
      retryMode: "adaptive",
    });
    expect(
      clientSettings("us-east-2", {
        AWS_REGION: "eu-west-1",
        GUARDRAIL_AWS_ENDPOINT: "http://127.0.0.1:5000",
        GUARDRAIL_AWS_MAX_ATTEMPTS: "50",
      }),
    ).toEqual({ region: "us-east-2", endpoint: "http://127.0.0.1:5000", maxAttempts: 10, retryMode: "adaptive" });
    expect(clientSettings(undefined, { AWS_DEFAULT_REGION: "ap-south-1", GUARDRAIL_AWS_MAX_ATTEMPTS: "0" })).toEqual({
      region: "ap-south-1",
      maxAttempts: 1,
      retryMode: "adaptive",
    });
  });

  test("one client per service and region, built on first use and instrumented", async () => {
    const seen: unknown[] = [];
    instrumentClients((c) => {
      seen.push(c);
      return c;
    });
    const a = configClient("eu-west-1");
    expect(configClient("eu-west-1")).toBe(a);
    expect(configClient("us-east-1")).not.toBe(a);
    expect(seen).toHaveLength(2);
    expect(await a.config.region()).toBe("eu-west-1");
    expect(await a.config.maxAttempts()).toBe(3);
    const mode = a.config.retryMode;
    expect(typeof mode === "string" ? mode : await mode()).toBe("adaptive");
  });
});

describe("putEvaluations", () => {
  test("250 evaluations go in three calls of at most 100, with the result token", async () => {
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    const evaluations = range(250).map((i) => evaluation(i));
    await expect(putEvaluations("token-1", evaluations)).resolves.toEqual({ calls: 3, sent: 250 });
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 3);
    const sizes = config.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input.Evaluations?.length);
    expect(sizes).toEqual([100, 100, 50]);
    expect(config).toHaveReceivedNthSpecificCommandWith(3, PutEvaluationsCommand, {
      ResultToken: "token-1",
      Evaluations: evaluations.slice(200),
    });
  });

  test("annotations over 256 characters or empty are refused before anything is sent", async () => {
    await expect(putEvaluations("t", [evaluation(0), evaluation(1, { Annotation: "x".repeat(257) })])).rejects.toThrow(
      /evaluation 1 .*annotation must be 1-256 characters \(is 257\)/,
    );
    await expect(putEvaluations("t", [evaluation(0, { Annotation: "" })])).rejects.toThrow(/is 0/);
    await expect(putEvaluations("t", [evaluation(0, { ComplianceType: "INSUFFICIENT_DATA" })])).rejects.toThrow(
      /rejects INSUFFICIENT_DATA/,
    );
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 0);
  });

  test("throttling is retried with backoff; other errors are not", async () => {
    config.on(PutEvaluationsCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});
    const delays: number[] = [];
    const warnings: string[] = [];
    await putEvaluations("t", [evaluation(0)], {
      retry: { sleep: async (ms) => void delays.push(ms), baseDelayMs: 100 },
      log: { warn: (m) => void warnings.push(m) },
    });
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 3);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeLessThan(100);
    expect(delays[1]).toBeLessThan(200);
    expect(warnings).toEqual(["PutEvaluations throttled; retrying", "PutEvaluations throttled; retrying"]);

    config.reset();
    config.on(PutEvaluationsCommand).rejects(new Error("InvalidResultTokenException"));
    await expect(putEvaluations("t", [evaluation(0)], noSleep)).rejects.toThrow("InvalidResultTokenException");
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
  });

  test("throttling retries are bounded", async () => {
    config.on(PutEvaluationsCommand).rejects(throttled());
    await expect(
      putEvaluations("t", [evaluation(0)], { retry: { attempts: 4, sleep: async () => undefined } }),
    ).rejects.toThrow("Rate exceeded");
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 4);
  });

  test("FailedEvaluations are raised after every chunk was sent", async () => {
    const evaluations = range(150).map((i) => evaluation(i));
    config
      .on(PutEvaluationsCommand)
      .resolvesOnce({ FailedEvaluations: [evaluations[7] as Evaluation] })
      .resolvesOnce({});
    const err = await putEvaluations("t", evaluations).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FailedEvaluationsError);
    expect((err as FailedEvaluationsError).failed).toEqual([evaluations[7]]);
    expect((err as Error).message).toBe(
      "PutEvaluations: Config rejected 1 of 150 evaluations (first: AWS::SQS::Queue https://sqs.eu-west-1.amazonaws.com/111122223333/q7)",
    );
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 2);
  });

  test("isThrottlingError", () => {
    expect(isThrottlingError(throttled())).toBe(true);
    expect(isThrottlingError({ name: "TooManyRequestsException" })).toBe(true);
    expect(isThrottlingError({ name: "X", $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isThrottlingError(new Error("ThrottlingException"))).toBe(false);
    expect(isThrottlingError(undefined)).toBe(false);
  });
});

describe("getLatestConfigurationItem", () => {
  const type = "AWS::SQS::Queue";
  const id = "https://sqs.us-east-1.amazonaws.com/644160558196/config-changes";

  test("asks for one item at or before laterTime and returns it as plain API-naming JSON", async () => {
    config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [
        {
          version: "1.3",
          accountId: "662108712480",
          configurationItemCaptureTime: new Date("2020-10-06T22:39:22.579Z"),
          configurationItemStatus: "OK",
          resourceType: type,
          resourceId: id,
          arn: "arn:aws:sqs:us-east-1:662108712480:config-changes",
          configuration: '{"VisibilityTimeout":"30"}',
          tags: {},
        },
      ],
    });
    const item = await getLatestConfigurationItem(type, id, new Date("2020-10-06T22:39:22.579Z"));
    expect(config).toHaveReceivedCommandTimes(GetResourceConfigHistoryCommand, 1);
    expect(config.commandCalls(GetResourceConfigHistoryCommand)[0]?.args[0].input).toEqual({
      resourceType: type,
      resourceId: id,
      laterTime: new Date("2020-10-06T22:39:22.579Z"),
      limit: 1,
    });
    expect(item).toMatchObject({
      configurationItemCaptureTime: "2020-10-06T22:39:22.579Z",
      configuration: '{"VisibilityTimeout":"30"}',
      arn: "arn:aws:sqs:us-east-1:662108712480:config-changes",
    });
  });

  test("an empty 7-day page with a nextToken is followed; a resource Config never saw is undefined", async () => {
    config
      .on(GetResourceConfigHistoryCommand)
      .resolvesOnce({ configurationItems: [], nextToken: "n1" })
      .resolvesOnce({ configurationItems: [{ resourceType: type, resourceId: id }] });
    await expect(getLatestConfigurationItem(type, id, at)).resolves.toEqual({ resourceType: type, resourceId: id });
    expect(config).toHaveReceivedNthSpecificCommandWith(2, GetResourceConfigHistoryCommand, {
      nextToken: "n1",
      limit: 1,
    });

    config.reset();
    config
      .on(GetResourceConfigHistoryCommand)
      .rejects(new ResourceNotDiscoveredException({ message: "not discovered", $metadata: {} }));
    await expect(getLatestConfigurationItem(type, id, at)).resolves.toBeUndefined();
  });
});

describe("listResources and batchGet", () => {
  test("ListDiscoveredResources is paginated per type", async () => {
    config
      .on(ListDiscoveredResourcesCommand, { resourceType: "AWS::SNS::Topic" })
      .resolvesOnce({ resourceIdentifiers: [{ resourceId: "t1" }, { resourceId: "t2" }], nextToken: "p2" })
      .resolvesOnce({ resourceIdentifiers: [{ resourceId: "t3" }] })
      .on(ListDiscoveredResourcesCommand, { resourceType: "AWS::SQS::Queue" })
      .resolves({ resourceIdentifiers: [{ resourceId: "q1" }, { resourceId: "gone", resourceDeletionTime: at }] });
    const keys = await listResources(["AWS::SNS::Topic", "AWS::SQS::Queue"]);
    expect(keys.map((k) => k.resourceId)).toEqual(["t1", "t2", "t3", "q1"]);
    expect(config.commandCalls(ListDiscoveredResourcesCommand).map((c) => c.args[0].input)).toEqual([
      { resourceType: "AWS::SNS::Topic", limit: 100 },
      { resourceType: "AWS::SNS::Topic", limit: 100, nextToken: "p2" },
      { resourceType: "AWS::SQS::Queue", limit: 100 },
    ]);
  });

  const keys = range(250).map((i) => ({ resourceType: "AWS::SQS::Queue", resourceId: `q${i}` }));
  const echo = (input: { resourceKeys?: { resourceType?: string; resourceId?: string }[] }) => ({
    baseConfigurationItems: (input.resourceKeys ?? []).map((k) => ({ ...k, configuration: "{}" })),
  });

  test("at most 100 keys a call; unprocessed keys are asked again; keys Config omits are missing", async () => {
    let first = true;
    config.on(BatchGetResourceConfigCommand).callsFake((input: { resourceKeys: { resourceId: string }[] }) => {
      if (first && input.resourceKeys.length === 100) {
        first = false;
        const [u, ...rest] = input.resourceKeys;
        return { ...echo({ resourceKeys: rest.filter((k) => k.resourceId !== "q42") }), unprocessedResourceKeys: [u] };
      }
      return echo(input);
    });
    const { items, missing } = await batchGet(keys, noSleep);
    const sizes = config.commandCalls(BatchGetResourceConfigCommand).map((c) => c.args[0].input.resourceKeys?.length);
    expect(sizes).toEqual([100, 1, 100, 50]);
    expect(config).toHaveReceivedNthSpecificCommandWith(2, BatchGetResourceConfigCommand, {
      resourceKeys: [{ resourceType: "AWS::SQS::Queue", resourceId: "q0" }],
    });
    expect(items).toHaveLength(249);
    expect(missing).toEqual([{ resourceType: "AWS::SQS::Queue", resourceId: "q42" }]);
  });

  test("keys still unprocessed after the bounded retries are an error, not dropped", async () => {
    config
      .on(BatchGetResourceConfigCommand)
      .resolves({ unprocessedResourceKeys: [{ resourceType: "AWS::SQS::Queue", resourceId: "q0" }] });
    const err = await batchGet(keys.slice(0, 1), { ...noSleep, unprocessedAttempts: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnprocessedKeysError);
    expect((err as UnprocessedKeysError).keys).toEqual([{ resourceType: "AWS::SQS::Queue", resourceId: "q0" }]);
    expect(config).toHaveReceivedCommandTimes(BatchGetResourceConfigCommand, 3);
  });
});
