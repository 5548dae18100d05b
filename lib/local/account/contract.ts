import type { ConfigItem } from "../../resources/config-item";
import type { JsonObject } from "../../util/json";

/**
 * The contract between the local AWS account (lib/local/account/, which serves the SDK calls Guardrail makes and
 * records each as a CloudTrail record) and the local pipeline (lib/local/: EventBridge, SNS/SQS, Config, the loop
 * that runs rules/, events/ and remediations/ unchanged). Both sides code against this file only.
 */

/** Who makes the calls: becomes the CloudTrail record's `userIdentity` and friends. */
export interface Principal {
  /** CloudTrail `userIdentity`, as CloudTrail writes it (AssumedRole with sessionContext, IAMUser, Root, ...). */
  userIdentity: JsonObject;
  sourceIPAddress: string;
  userAgent: string;
  /** `"true"` for console sessions (CloudTrail writes it as a string). */
  sessionCredentialFromConsole?: "true";
}

/**
 * Serves one SDK command: `input` is the command's input object as the SDK built it (`command.input`); returns the
 * output object the SDK's deserialiser would have produced (Dates as Date, etc.), or throws the service's own
 * exception class (e.g. `NotFoundException` from @aws-sdk/client-api-gateway) with AWS's message.
 */
export type CommandServer = (input: Record<string, unknown>, call: CallContext) => Promise<unknown> | unknown;

export interface CallContext {
  /** SDK client service id, as in `client.config.serviceId`: "API Gateway", "SQS", "SNS", "S3", "Config Service", ... */
  service: string;
  /** Command name without the `Command` suffix: "UpdateDomainName", "SetQueueAttributes", ... */
  operation: string;
  region: string;
  accountId: string;
  principal: Principal;
}

/** Where one item lives. */
export interface ItemRef {
  resourceType: string;
  resourceId: string;
  accountId: string;
  region: string;
}

export interface LocalAccountApi {
  /** State directory (Config items, trail, records live under it). */
  readonly stateDir: string;
  /** Default account id and Region (the fleet's first). */
  readonly accountId: string;
  readonly region: string;

  /**
   * Routes every SDK client Guardrail builds (lib/aws/clients.ts, and any client
   * passed through `attachClient`) to this account instead of the network. Returns the function that detaches.
   */
  attach(): () => void;
  /** Routes one extra SDK client (e.g. a test's own client) to this account. */
  attachClient<C extends { middlewareStack: unknown }>(client: C): C;

  /**
   * Adds or replaces the server of one operation. The account serves the resource services itself; the local
   * pipeline registers the rest (Config's PutEvaluations, SNS Publish to Guardrail's topic, EventBridge PutEvents,
   * the idempotency table, the audit bucket ...).
   */
  serve(service: string, operation: string, server: CommandServer): void;

  /** Runs `fn` with every call it makes attributed to `principal` (AsyncLocalStorage). Default: Guardrail's role. */
  as<T>(principal: Principal, fn: () => Promise<T>): Promise<T>;

  /** Called for each CloudTrail record, as soon as a call is served (mutating calls, reads, and failed calls). */
  onRecord(listener: (record: JsonObject) => void): () => void;

  /** Current state, as Config items (API naming, `configuration` parsed), all accounts and Regions. */
  configItems(filter?: { resourceType?: string; accountId?: string; region?: string }): ConfigItem[];
  /**
   * One resource's current item (undefined when it does not exist or was deleted). Ids that repeat across
   * accounts and Regions (function, table names) are told apart by `where`.
   */
  configItem(
    resourceType: string,
    resourceId: string,
    where?: { accountId?: string; region?: string },
  ): ConfigItem | undefined;
  /**
   * Called whenever a resource's item is written (a call served created, changed or deleted it, or `put`), with
   * where it is: so that Config's change notifications look at what changed, not at the whole fleet.
   */
  onItemChange(listener: (item: ItemRef) => void): () => void;

  /** Writes the records served so far as CloudTrail log files (lib/cloudtrail/layout.ts) under `<stateDir>/trail`. */
  flushTrail(): Promise<string[]>;
  /** Persists the state to `stateDir` (items as Config items) and flushes the trail. */
  close(): Promise<void>;
}
