import { APIGatewayClient, CreateDeploymentCommand, UpdateRestApiCommand } from "@aws-sdk/client-api-gateway";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { clientFor, resetClients } from "../../lib/aws/clients";
import { service as apigatewayService } from "../../lib/aws/services/apigateway";
import { service as s3Service } from "../../lib/aws/services/s3";
import { service as sqsService } from "../../lib/aws/services/sqs";
import { executorCommands, execute, type SendingClient } from "../../lib/remediation/executor";
import type { AwsCall } from "../../lib/remediation/types";

const apigw = mockClient(APIGatewayClient);
const sqs = mockClient(SQSClient);

beforeEach(() => {
  apigw.reset();
  sqs.reset();
});
afterAll(() => {
  apigw.restore();
  sqs.restore();
  resetClients();
});

const REST_API = "p4w7r2k9sd";
const plan: AwsCall[] = [
  {
    service: "apigateway",
    operation: "UpdateRestApi",
    input: { restApiId: REST_API, patchOperations: [{ op: "replace", path: "/securityPolicy", value: "TLS_1_2" }] },
  },
  { service: "apigateway", operation: "CreateDeployment", input: { restApiId: REST_API, stageName: "prod" } },
  { service: "apigateway", operation: "CreateDeployment", input: { restApiId: REST_API, stageName: "staging" } },
];

/** An error shaped like the SDK's ServiceException. */
function awsError(name: string, message: string, httpStatusCode: number): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: "client",
    $metadata: { httpStatusCode, requestId: "5f1e-req" },
  });
}

describe("execute", () => {
  it("sends each call with its SDK command, in order, and reports every one done", async () => {
    apigw
      .on(UpdateRestApiCommand)
      .resolves({ id: REST_API, securityPolicy: "TLS_1_2", $metadata: { requestId: "req-1" } });
    apigw.on(CreateDeploymentCommand).resolves({ id: "dep1" });
    const report = await execute(plan, { region: "eu-west-1" });
    expect(report.ok).toBe(true);
    expect(report.done).toEqual(plan);
    expect(report.results.map((r) => r.status)).toEqual(["done", "done", "done"]);
    expect(report.results[0]).toMatchObject({
      requestId: "req-1",
      output: { id: REST_API, securityPolicy: "TLS_1_2" },
    });
    expect(report.results[0]?.output).not.toHaveProperty("$metadata");
    expect(apigw).toHaveReceivedCommandTimes(UpdateRestApiCommand, 1);
    expect(apigw).toHaveReceivedNthCommandWith(1, UpdateRestApiCommand, plan[0]?.input as Record<string, unknown>);
    expect(apigw).toHaveReceivedNthCommandWith(2, CreateDeploymentCommand, plan[1]?.input as Record<string, unknown>);
    expect(apigw).toHaveReceivedNthCommandWith(3, CreateDeploymentCommand, plan[2]?.input as Record<string, unknown>);
    expect(apigw.calls().map((c) => (c.args[0] as { input: unknown }).input)).toEqual(plan.map((c) => c.input));
  });

  it("dry run returns the calls and sends nothing", async () => {
    apigw.onAnyCommand().rejects(new Error("must not be sent"));
    const report = await execute(plan, { dryRun: true });
    expect(report).toEqual({
      dryRun: true,
      ok: true,
      results: plan.map((call) => ({ call, status: "planned" })),
      done: [],
    });
    expect(apigw.calls()).toHaveLength(0);
  });

  it("stops at the first failure and reports the calls done before it, never the fix as done", async () => {
    apigw.on(UpdateRestApiCommand).resolves({ id: REST_API });
    apigw.on(CreateDeploymentCommand).rejects(awsError("TooManyRequestsException", "Rate exceeded", 429));
    const report = await execute(plan);
    expect(report.ok).toBe(false);
    expect(report.done).toEqual([plan[0]]);
    expect(report.results.map((r) => r.status)).toEqual(["done", "failed", "not-run"]);
    expect(report.failure).toEqual({
      index: 1,
      call: plan[1],
      error: {
        name: "TooManyRequestsException",
        message: "Rate exceeded",
        httpStatusCode: 429,
        requestId: "5f1e-req",
        fault: "client",
      },
    });
    // The third call was never sent.
    expect(apigw.calls()).toHaveLength(2);
    expect(apigw).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
  });

  it("a failing first call leaves nothing done", async () => {
    sqs.on(SetQueueAttributesCommand).rejects(awsError("AccessDenied", "not authorized", 403));
    const call: AwsCall = {
      service: "sqs",
      operation: "SetQueueAttributes",
      input: {
        QueueUrl: "https://sqs.eu-west-1.amazonaws.com/111122223333/orders",
        Attributes: { SqsManagedSseEnabled: "true" },
      },
    };
    const report = await execute([call]);
    expect(report).toMatchObject({ ok: false, done: [], failure: { index: 0, error: { name: "AccessDenied" } } });
  });

  it("checks the whole plan before sending: an unknown operation anywhere sends nothing", async () => {
    apigw.onAnyCommand().resolves({});
    const bad: AwsCall = { service: "apigateway", operation: "DeleteRestApi", input: { restApiId: REST_API } };
    const report = await execute([plan[0] as AwsCall, bad]);
    expect(report.ok).toBe(false);
    expect(report.done).toEqual([]);
    expect(report.failure).toMatchObject({ index: 1, error: { name: "UnknownOperation" } });
    expect(report.results.map((r) => r.status)).toEqual(["not-run", "failed"]);
    expect(apigw.calls()).toHaveLength(0);
    const notAnObject = await execute([
      { service: "sqs", operation: "SetQueueAttributes", input: "x" as unknown as object },
    ]);
    expect(notAnObject.failure?.error.name).toBe("InvalidInput");
  });

  it("an empty plan is done at once", async () => {
    expect(await execute([])).toEqual({ dryRun: false, ok: true, results: [], done: [] });
  });

  it("uses the clients it is given", async () => {
    const sent: object[] = [];
    const client: SendingClient = { send: async (command) => (sent.push(command), {}) };
    const report = await execute(plan.slice(0, 1), { client: () => client });
    expect(report.ok).toBe(true);
    expect(sent[0]).toBeInstanceOf(UpdateRestApiCommand);
    expect(apigw.calls()).toHaveLength(0);
  });

  it("maps every operation to a command class named after it", async () => {
    for (const [service, operations] of Object.entries(await executorCommands())) {
      for (const [operation, Command] of Object.entries(operations)) {
        expect({ service, operation, name: (Command as { name: string }).name }).toEqual({
          service,
          operation,
          name: `${operation}Command`,
        });
      }
    }
  });
});

describe("the clients the executor sends with", () => {
  const saved = process.env.GUARDRAIL_AWS_ENDPOINT;
  afterEach(() => {
    if (saved === undefined) delete process.env.GUARDRAIL_AWS_ENDPOINT;
    else process.env.GUARDRAIL_AWS_ENDPOINT = saved;
    resetClients();
  });

  it("creates one client per service and Region, on first use", async () => {
    const a = clientFor(sqsService, "eu-west-1");
    expect(clientFor(sqsService, "eu-west-1")).toBe(a);
    expect(clientFor(sqsService, "us-east-1")).not.toBe(a);
    expect(await a.config.region()).toBe("eu-west-1");
  });

  it("sends everything to GUARDRAIL_AWS_ENDPOINT when it is set, S3 path-style", async () => {
    process.env.GUARDRAIL_AWS_ENDPOINT = "http://127.0.0.1:5123";
    resetClients();
    const s3 = clientFor(s3Service, "eu-west-1");
    expect(s3).toBeInstanceOf(S3Client);
    expect(s3.config.forcePathStyle).toBe(true);
    const endpoint = await (s3.config.endpoint as () => Promise<{ hostname: string; port?: number }>)();
    expect(endpoint).toMatchObject({ hostname: "127.0.0.1", port: 5123 });
    const api = clientFor(apigatewayService, "eu-west-1");
    expect(await (api.config.endpoint as () => Promise<{ hostname: string }>)()).toMatchObject({
      hostname: "127.0.0.1",
    });
  });
});

describe("service modules loaded per plan", () => {
  /** The executor and its loaders in a module registry of their own, every loader counting its calls. */
  async function isolatedExecutor() {
    let loaders!: Record<string, () => Promise<unknown>>;
    let executor!: typeof import("../../lib/remediation/executor");
    await jest.isolateModulesAsync(async () => {
      loaders = (await import("../../lib/aws/services/loaders")).OPERATION_LOADERS as typeof loaders;
      executor = await import("../../lib/remediation/executor");
    });
    const loaded: string[] = [];
    for (const [name, load] of Object.entries(loaders)) {
      loaders[name] = () => {
        loaded.push(name);
        return load();
      };
    }
    return { executor, loaded };
  }

  it("loads the module of each service a plan names, once, and no other", async () => {
    const { executor, loaded } = await isolatedExecutor();
    const calls: AwsCall[] = [...plan, { service: "sqs", operation: "SetQueueAttributes", input: { QueueUrl: "q" } }];
    expect((await executor.execute(calls, { dryRun: true })).ok).toBe(true);
    expect((await executor.execute(plan, { dryRun: true })).ok).toBe(true);
    expect(loaded.sort()).toEqual(["apigateway", "sqs"]);
  });

  it("names a service no module declares without loading any", async () => {
    const { executor, loaded } = await isolatedExecutor();
    const report = await executor.execute([{ service: "nosuch", operation: "Op", input: {} }], { dryRun: true });
    expect(report.failure?.error).toEqual({
      name: "UnknownOperation",
      message: "nosuch:Op is not an operation the executor sends",
    });
    expect(loaded).toEqual([]);
  });

  it("has a loader for every service module, under the module's own service name", async () => {
    const { SERVICES } = await import("../../lib/aws/services");
    const { OPERATION_LOADERS } = await import("../../lib/aws/services/loaders");
    expect(Object.keys(OPERATION_LOADERS).sort()).toEqual(SERVICES.map((m) => m.service.name).sort());
    for (const { service, operations } of SERVICES) {
      expect([service.name, await (OPERATION_LOADERS[service.name] as () => Promise<unknown>)()]).toEqual([
        service.name,
        operations,
      ]);
    }
  });
});
