/**
 * What Guardrail knows of one AWS service, declared once in its own module under ./services/ and read by
 * everything that needs it: the client factory (./clients.ts), the remediation executor's command map, the IAM
 * statements of every deployed function (deploy/iam.js), the local account's routing and the EventBridge patterns.
 *
 * A service module exports:
 *  - `service`: a ServiceDefinition (the SDK client class and the service's identity);
 *  - `operations`: an OperationTable, every operation Guardrail sends to the service with the IAM action it needs.
 * Both are plain object literals (no spreads, no helper calls), so a bundle that imports `service` alone (to build
 * a client) carries none of the operations' command classes: esbuild drops the unused export.
 */

/** The settings every client is built with (./clients.ts clientSettings). */
export interface ClientSettings {
  region?: string;
  endpoint?: string;
  maxAttempts: number;
  retryMode: "adaptive";
}

/** An AWS SDK v3 client as the factory and the local-account seam use it. */
export interface SdkClient {
  send(command: object): Promise<unknown>;
  middlewareStack: unknown;
  config: unknown;
  destroy(): void;
}

export interface ServiceDefinition<C extends SdkClient = SdkClient> {
  /**
   * Guardrail's name of the service: the `service` of a remediation plan's calls, the prefix of its IAM actions
   * (`sqs`, `apigateway`, `events`), the key of the registry.
   */
  name: string;
  /** `client.config.serviceId` of the SDK client (`SQS`, `API Gateway`, `Config Service`): how the local account routes. */
  serviceId: string;
  /** The SDK v3 package (`@aws-sdk/client-sqs`), where tools look a command up by name (local scenarios, benches). */
  package: string;
  client: new (config: ClientSettings & Record<string, unknown>) => C;
  /** Client settings the service needs beyond the common ones (S3: path-style addressing on an emulator). */
  clientConfig?(settings: ClientSettings): Record<string, unknown>;
  /** CloudTrail `eventSource` of the service's calls (`sqs.amazonaws.com`). */
  eventSource: string;
  /**
   * The prefix of its IAM actions and ARNs when it is not `name`: a later API of a service that keeps the service's
   * IAM namespace (API Gateway v2, `apigatewayv2`, authorises as `apigateway`). Only a prefix of `name`.
   */
  iamPrefix?: string;
  /** Error names meaning "the resource does not exist" (a describe answers undefined; the local account tries another account). */
  notFound: readonly string[];
}

/**
 * - `read`: a describe of a governed resource (the detector's and the worker's roles);
 * - `write`: a fix a remediation plan may send (the worker's role, the executor's command map);
 * - `restore`: a call only an action's `restore` sends (`guardrail remediation undo`, run with the operator's
 *   credentials): the executor sends it, no deployed role is granted it;
 * - `own`: a call on Guardrail's own infrastructure (its queues, topic, table, bucket, Config rule results), granted
 *   by each role on the resources it owns, so the operation declares its IAM action only.
 */
export type Access = "read" | "write" | "restore" | "own";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandClass = new (input: any) => object;

export interface OperationDefinition {
  /** The IAM action the call needs (`s3:GetBucketPolicy` is `s3:GetBucketPolicy`; S3 GetPublicAccessBlock is `s3:GetBucketPublicAccessBlock`). */
  action: string;
  access: Access;
  /**
   * The resources it may touch, as `Fn::Sub` strings over this account and Region (`arn:${AWS::Partition}:sqs:...`);
   * required for read, write and restore, absent for own.
   */
  resources?: readonly string[];
  /** Resource ARNs carry no account (S3): statements add an `aws:ResourceAccount` condition. */
  resourceAccount?: boolean;
  /** The SDK command class of a `write` or `restore` operation: what the executor sends for a call of this name. */
  command?: CommandClass;
  /**
   * The service a `write` or `restore` operation is sent to (the module's own `service`): the executor finds the client through
   * it, so a bundle that sends fixes carries the clients of the services that have some, and no other.
   */
  service?: ServiceDefinition;
}

export type OperationTable = Readonly<Record<string, OperationDefinition>>;

/** A service module's exports, as the registry (./services/index.ts) lists them. */
export interface ServiceModule {
  service: ServiceDefinition;
  operations: OperationTable;
}

/** The input type of a command class. */
// A command whose input members are all optional has the overloads `new ()` and `new (input)`: the input is the first argument either way.
export type CommandInput<C> = C extends new (...args: infer A) => object ? NonNullable<A[0]> : never;

/** The operations of a table the executor can send (`write`, `restore`), with their SDK input types. */
export type WriteInputs<T> = {
  [O in keyof T as T[O] extends Sendable ? O : never]: T[O] extends { command: infer C } ? CommandInput<C> : never;
};

type Sendable = { access: "write" | "restore"; command: CommandClass; service: ServiceDefinition };

const ACCESS: readonly string[] = ["read", "write", "restore", "own"];

/**
 * What is wrong with a service module (an extension pack's above all), as messages; [] when nothing. The deployment
 * grants exactly what a module declares, so a declaration may not widen it: an action is one of the service's own
 * (`<name>:<Action>`, no wildcard), its resources are the service's ARNs over this account and Region, `"*"` only
 * for a read (AWS's describes that take no resource), and a call the executor sends names its command and service.
 */
export function serviceModuleProblems(module: { service?: unknown; operations?: unknown }): string[] {
  const s = module.service as Partial<ServiceDefinition> | undefined;
  if (typeof s !== "object" || s === null) return ["exports no `service`"];
  const problems: string[] = [];
  const name = typeof s.name === "string" && /^[a-z0-9-]+$/.test(s.name) ? s.name : undefined;
  if (!name) problems.push("service.name must be a lower-case service prefix (sqs, ec2)");
  const prefix = s.iamPrefix;
  const iam =
    prefix === undefined
      ? name
      : typeof prefix === "string" && /^[a-z0-9-]+$/.test(prefix) && name?.startsWith(prefix)
        ? prefix
        : undefined;
  if (prefix !== undefined && iam === undefined)
    problems.push("service.iamPrefix must be a non-empty prefix of its name");
  for (const key of ["serviceId", "package", "eventSource"] as const) {
    if (typeof s[key] !== "string" || s[key] === "") problems.push(`service.${key} must be a string`);
  }
  if (typeof s.client !== "function") problems.push("service.client must be the SDK client class");
  if (!Array.isArray(s.notFound)) problems.push("service.notFound must be a list of error names");
  const operations = module.operations;
  if (typeof operations !== "object" || operations === null) return [...problems, "exports no `operations`"];
  for (const [op, raw] of Object.entries(operations as Record<string, Partial<OperationDefinition>>)) {
    const at = `operations.${op}`;
    if (!/^[A-Z][A-Za-z0-9]*$/.test(op))
      problems.push(`${at}: an operation is the SDK command's name without "Command"`);
    if (typeof raw !== "object" || raw === null) {
      problems.push(`${at} must be an object`);
      continue;
    }
    if (!ACCESS.includes(raw.access as string)) problems.push(`${at}.access must be one of ${ACCESS.join(", ")}`);
    if (iam && (typeof raw.action !== "string" || !new RegExp(`^${iam}:[A-Za-z0-9]+$`).test(raw.action))) {
      problems.push(`${at}.action must be one of ${iam}'s own IAM actions (${iam}:Action), not ${String(raw.action)}`);
    }
    if (raw.access === "own") continue;
    const resources = raw.resources;
    if (!Array.isArray(resources) || resources.length === 0) {
      problems.push(`${at}.resources must list the ARNs it may touch`);
    } else {
      for (const r of resources) {
        const own = typeof r === "string" && iam !== undefined && r.startsWith(`arn:\${AWS::Partition}:${iam}:`);
        if (r === "*" ? raw.access !== "read" : !own) {
          problems.push(
            `${at}.resources: ${String(r)} is not an ARN of ${name ?? "the service"} ("arn:\${AWS::Partition}:${name ?? "…"}:…")` +
              (r === "*" ? '; "*" only for a read that takes no resource' : ""),
          );
        }
      }
    }
    if (raw.access === "write" || raw.access === "restore") {
      if (typeof raw.command !== "function") problems.push(`${at}.command must be the SDK command class`);
      if (raw.service !== module.service) problems.push(`${at}.service must be the module's own \`service\``);
    }
  }
  return problems;
}
