import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { z } from "zod";
import type { CloudTrailRecord } from "../cloudtrail/record";

/**
 * The events the detection Lambda takes from EventBridge (EventBridge User Guide, "AWS service events delivered via
 * AWS CloudTrail"; EventBridge Events Reference, "AWS Config events"):
 *  - "AWS API Call via CloudTrail" (and the other "... via CloudTrail" detail-types, e.g. the console sign-in a
 *    root-use policy watches): `detail` is the CloudTrail record (recorded: test/fixtures/aws-recorded/
 *    eventbridge-cloudtrail-apigateway-create-stage.json); every field is kept, CloudTrail-subject policies may
 *    read any;
 *  - "Config Rules Compliance Change": `detail` is Config's ComplianceChangeNotification (AWS Config Developer
 *    Guide, "Example Compliance Change Notification").
 *
 * The envelope is Powertools parser's EventBridgeSchema. Its EventBridgeEnvelope is not used: it returns only the
 * `detail`, and the event's id and detail-type are needed (the id is the Config event's correlation id, the
 * detail-type says which detail schema applies). Anything else is a DetectInputError naming the bad field.
 */

export class DetectInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DetectInputError";
  }
}

export const CLOUDTRAIL_API_CALL = "AWS API Call via CloudTrail";
export const CONFIG_COMPLIANCE_CHANGE = "Config Rules Compliance Change";

const text = z.string().min(1);

const cloudTrailRecordSchema = z.looseObject({
  eventID: text,
  eventName: text,
  eventSource: text,
  // A time, as CloudTrail writes it ("2022-07-11T19:37:49Z"): the grace period and the audit order by it.
  eventTime: z.iso.datetime({ offset: true }),
  awsRegion: text,
  userIdentity: z.looseObject({}).optional(),
  errorCode: z.string().optional(),
  recipientAccountId: z.string().optional(),
});

const complianceChangeSchema = z.looseObject({
  messageType: z.literal("ComplianceChangeNotification"),
  configRuleName: text,
  resourceType: text,
  resourceId: text,
  awsRegion: text,
  awsAccountId: text,
  newEvaluationResult: z.looseObject({
    complianceType: text,
    annotation: z.string().nullish(),
  }),
});

export type ComplianceChangeDetail = z.infer<typeof complianceChangeSchema>;

export interface CloudTrailEvent {
  kind: "cloudtrail";
  id: string;
  detailType: string;
  record: CloudTrailRecord;
}

export interface ComplianceChangeEvent {
  kind: "config-compliance";
  id: string;
  detail: ComplianceChangeDetail;
}

export type DetectEvent = CloudTrailEvent | ComplianceChangeEvent;

function issues(e: z.ZodError, prefix: string): string {
  return e.issues
    .slice(0, 5)
    .map((i) => `${[prefix, ...i.path.map(String)].filter((s) => s !== "").join(".") || "(event)"}: ${i.message}`)
    .join("; ");
}

export function parseDetectEvent(event: unknown): DetectEvent {
  const envelope = EventBridgeSchema.safeParse(event);
  if (!envelope.success) throw new DetectInputError(`not an EventBridge event: ${issues(envelope.error, "")}`);
  const { id, "detail-type": detailType, detail } = envelope.data;
  // The envelope schema lets these be empty; an event from AWS never has them so (and the id is a Config
  // compliance change's correlation id, which a remediation request must have).
  for (const field of ["id", "source", "region"] as const) {
    if (envelope.data[field] === "") {
      throw new DetectInputError(`EventBridge event${id ? ` ${id}` : ""}: ${field}: must not be empty`);
    }
  }
  if (detailType === CONFIG_COMPLIANCE_CHANGE) {
    const parsed = complianceChangeSchema.safeParse(detail);
    if (!parsed.success) {
      throw new DetectInputError(`EventBridge event ${id} (${detailType}): ${issues(parsed.error, "detail")}`);
    }
    return { kind: "config-compliance", id, detail: parsed.data };
  }
  if (detailType.endsWith(" via CloudTrail")) {
    const parsed = cloudTrailRecordSchema.safeParse(detail);
    if (!parsed.success) {
      throw new DetectInputError(`EventBridge event ${id} (${detailType}): ${issues(parsed.error, "detail")}`);
    }
    return { kind: "cloudtrail", id, detailType, record: parsed.data as CloudTrailRecord };
  }
  throw new DetectInputError(
    `EventBridge event ${id}: unsupported detail-type "${detailType}" (expected "${CLOUDTRAIL_API_CALL}" or "${CONFIG_COMPLIANCE_CHANGE}")`,
  );
}

/** The correlation id of an event not yet validated (for the log lines of its failure): eventID, else the event id. */
export function correlationIdOf(event: unknown): string | undefined {
  if (typeof event !== "object" || event === null) return undefined;
  const e = event as { id?: unknown; detail?: { eventID?: unknown } };
  if (typeof e.detail?.eventID === "string" && e.detail.eventID !== "") return e.detail.eventID;
  return typeof e.id === "string" && e.id !== "" ? e.id : undefined;
}
