import type { ConfigItem } from "./config-item";
import type { CloudFormationSource } from "../cloudformation/document";
import type { JsonSchema } from "../util/json";

/**
 * What every policy sees: one resource, identified, with the one document its adapter built.
 * The same shape comes from a Config item today and from a live describe or a CloudFormation
 * template in later sources, so a policy has a single meaning everywhere.
 */
export interface Resource {
  type: string;
  id: string;
  name?: string;
  arn?: string;
  accountId: string;
  region: string;
  tags: Record<string, string>;
  /** Capture time of the configuration this document was built from (Config items). */
  capturedAt?: string;
  /** The resource is gone (deleted or no longer recorded): every policy answers NOT_APPLICABLE. */
  deleted: boolean;
  document: Record<string, unknown>;
}

/**
 * One resource named the way AWS Config names it: `id` is Config's resourceId for the type (queue URL, stage ARN,
 * topic ARN, bucket / function / table / domain name, REST API id), so a reference made from a CloudTrail record,
 * a Config event or a live describe names the same resource as the Config rule does. Plain data (JSON-serialisable).
 */
export interface ResourceRef {
  type: string;
  id: string;
  region: string;
  accountId: string;
  arn?: string;
}

/**
 * The SDK responses of one live describe (./describe.ts), keyed by operation name (`GetStage`,
 * `GetQueueAttributes`, `ListQueueTags`, ...; each adapter's `fromDescribe` says which it reads), plus the
 * reference they describe. An optional sub-resource that does not exist (no bucket policy, no function policy) is
 * an absent key. Plain data: SDK output objects, or the same objects read back from JSON (dates as text).
 */
export interface Described {
  ref: ResourceRef;
  [operation: string]: unknown;
}

/**
 * What names a resource of a type, wherever it is seen: declared by the type's adapter (./types/), or by a module
 * of ./references/ for a type Guardrail does not judge but templates point at (a KMS key's ARN).
 */
export interface ResourceIdentity {
  /** AWS Config / CloudFormation resource type name, e.g. `AWS::ApiGateway::Stage`. */
  type: string;
  /** The service's name in ARNs and IAM actions, also the folder under policies/ for the type, e.g. `apigateway`. */
  service: string;
  /** The service in the type's ARNs when it is not `service`: a later API of a service keeps its ARNs (API Gateway v2's are `apigateway`). */
  arnService?: string;
  /** The document property holding the resource's name (Config's resourceName). */
  nameField?: string;
  /**
   * The resource's ARN when a reference does not carry one (a live describe from a CloudTrail record): from the
   * document, else from the reference alone (`document` {}), in the Region and account its id names if it names
   * them; undefined when the id is not one of this type's. The remediation worker holds a request's ARN, account and
   * Region to it (lib/remediation/worker/identity.ts).
   */
  arn?(ref: ResourceRef, document: Record<string, unknown>): string | undefined;
  cloudFormation?: {
    /** `Fn::GetAtt` attributes whose value is the resource's ARN. */
    arnAttributes?: readonly string[];
    /** `Ref` answers the ARN (SNS topics), not a name or an id. */
    refIsArn?: boolean;
    /**
     * Types that attach to this one in a template and are judged with it (`AWS::SQS::QueuePolicy`): never reported
     * as "not covered" on their own.
     */
    attachments?: readonly string[];
  };
}

export interface ResourceAdapter extends ResourceIdentity {
  /**
   * JSON Schema (draft 2020-12) of the document policies see. `guardrail validate` checks every property a
   * policy names against it, and the tests check that every document an adapter builds satisfies it.
   */
  documentSchema: JsonSchema;
  /**
   * Recognises this type's Config resourceId when an item does not say its type (a SelectResourceConfig query
   * that did not select `resourceType`). Optional.
   */
  resourceIdPattern?: RegExp;
  /**
   * The document reads the item's relationships (a REST API's custom domains). BatchGetResourceConfig returns
   * neither relationships nor tags, so a Config rule sweep reads such a type's items in full
   * (GetResourceConfigHistory) before judging them. Optional; default false.
   */
  readsRelationships?: boolean;
  /** Builds the document from a normalised Config item (either naming; see config-item.ts). */
  fromConfigItem(item: ConfigItem): Record<string, unknown>;
  /**
   * Builds the document from a live describe: the SDK responses its describe (./types/<type>.describe.ts) fetched.
   * Pure, and the SAME document `fromConfigItem` builds for the same resource (the tests hold the two together),
   * so a policy means the same thing seconds after an API call as in the Config rule. Optional: a type without it
   * is judged by the Config rule only.
   */
  fromDescribe?(described: Described): Record<string, unknown>;
  /**
   * The resources of this type a CloudTrail record changed (the record as CloudTrail writes it, e.g. the `detail`
   * of an EventBridge "AWS API Call via CloudTrail" event), named as Config names them; [] when the call does not
   * change one (another service's call, a read, an event name this type does not know). Pure. Optional.
   */
  fromCloudTrail?(record: Record<string, unknown>): ResourceRef[];
  /**
   * Builds the document from a CloudFormation template: `source.resource` is a resource whose Type is this
   * adapter's `type`, its Properties resolved as far as they can be before deploy. Pure, and the SAME document
   * `fromConfigItem` builds for the resource once deployed (the fleet agreement test holds the two together), so
   * a policy means the same in the pull request as in the Config rule. Values the template cannot tell are left
   * in the document as markers (lib/cloudformation/unknown.ts) for the engine to judge; an adapter never replaces
   * one by a guess. Properties CloudFormation leaves to the service default are absent, as Config records them
   * when unset. Optional: a type without it is not judged in templates (counted as not covered).
   */
  fromCloudFormation?(source: CloudFormationSource): Record<string, unknown>;
}

/** Identity fields shared by every source. */
export function resourceFromConfigItem(adapter: ResourceAdapter, item: ConfigItem): Resource {
  const deleted =
    item.status === "ResourceDeleted" || item.status === "ResourceDeletedNotRecorded" || item.configuration === null;
  const document = deleted ? {} : adapter.fromConfigItem(item);
  return {
    type: item.resourceType,
    id: item.resourceId,
    name: item.resourceName,
    arn: item.arn,
    accountId: item.accountId,
    region: item.region,
    // One source of tags: the document's (adapters fold in tags that some types also keep in `configuration`),
    // so exemption tags are read from the same map policies see.
    tags: isTagMap(document.tags) ? document.tags : item.tags,
    capturedAt: item.captureTime,
    deleted,
    document,
  };
}

function isTagMap(v: unknown): v is Record<string, string> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
