import type { ConfigItem } from "../../../resources/config-item";
import type { JsonObject } from "../../../util/json";
import { fail, required, type Operation, type OperationContext, type ServiceEmulation } from "./types";

/**
 * CloudTrail StopLogging and StartLogging on the account's trails (the fleet has one per account and Region), so a
 * scenario can stop the trail and Guardrail's CloudTrail-subject policy (cloudtrail-no-stop-logging) sees the call.
 * `Name` is the trail's name or ARN; an unknown trail is TrailNotFoundException, another account's trail by ARN is
 * refused (CloudTrail API Reference, StopLogging / StartLogging: "Name: ... the trail name or the trail ARN").
 * Whether a trail is logging is not part of its Config item (Config records DescribeTrails, not GetTrailStatus),
 * so the calls change no item: what matters here is the call and its CloudTrail record.
 * requestParameters as CloudTrail writes them for these calls: `{"name": "<the Name sent>"}`.
 */

const SERVICE = "CloudTrail";
const TRAIL = "AWS::CloudTrail::Trail";

function trailItem(ctx: OperationContext, nameOrArn: string): ConfigItem {
  const m = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/.exec(nameOrArn);
  const [region, accountId, name] = m
    ? [m[1] as string, m[2] as string, m[3] as string]
    : [ctx.region, ctx.accountId, nameOrArn];
  if (accountId !== ctx.accountId) {
    fail(SERVICE, "AccessDeniedException", `User is not authorized to operate on trail ${nameOrArn}`);
  }
  return (
    ctx.store.get(TRAIL, accountId, region, name) ??
    fail(SERVICE, "TrailNotFoundException", `Unknown trail: ${nameOrArn} for the user: ${ctx.accountId}`)
  );
}

const logging: Operation = {
  readOnly: false,
  serve: (input, ctx) => {
    trailItem(ctx, required(SERVICE, input, "Name", "InvalidTrailNameException"));
    return {};
  },
  request: (input) => ({ name: input.Name as JsonObject[string] }),
  response: () => null,
};

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  scenarios: true,
  operations: { StopLogging: logging, StartLogging: logging },
};
