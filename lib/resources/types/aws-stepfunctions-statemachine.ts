import type { DescribeStateMachineOutput, ListTagsForResourceOutput } from "@aws-sdk/client-sfn";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templateTags } from "../../cloudformation/document";
import { toBool } from "../coerce";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import { tagsSchema } from "../schema-parts";
import { isObject, type JsonObject } from "../../util/json";
import {
  arnParts,
  baseEventName,
  eventSourceOf,
  refFromRecord,
  requestValue,
  responseValue,
} from "../../cloudtrail/record";

/**
 * Step Functions state machine. Config records the CloudFormation resource's shape (`Arn`, `StateMachineName`,
 * `StateMachineType`, `RoleArn`, `LoggingConfiguration {Level, IncludeExecutionData, Destinations
 * [{CloudWatchLogsLogGroup {LogGroupArn}}]}`, `TracingConfiguration {Enabled}`: the Config resource schema,
 * awslabs/aws-config-resource-schema AWS::StepFunctions::StateMachine.properties.json); resourceId = the state
 * machine's ARN is INFERRED. DescribeStateMachine gives the same members in camelCase (Step Functions API
 * Reference, DescribeStateMachine: `loggingConfiguration.level`, `destinations[].cloudWatchLogsLogGroup.logGroupArn`,
 * `tracingConfiguration.enabled`).
 */

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]{1,80}$/;
const LEVELS = ["ALL", "ERROR", "FATAL", "OFF"];

const EVENTS = new Set([
  "CreateStateMachine",
  "UpdateStateMachine",
  "DeleteStateMachine",
  "TagResource",
  "UntagResource",
]);

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** LoggingConfiguration in the document's (CloudFormation's) names, from either spelling. */
function logging(v: unknown): JsonObject | undefined {
  if (!isObject(v)) return undefined;
  const out: JsonObject = {};
  const level = str(v.Level) ?? str(v.level);
  if (level && LEVELS.includes(level)) out.Level = level;
  const data = toBool(v.IncludeExecutionData ?? v.includeExecutionData);
  if (data !== undefined) out.IncludeExecutionData = data;
  const list = v.Destinations ?? v.destinations;
  const arns: JsonObject[] = [];
  for (const d of Array.isArray(list) ? list : []) {
    if (!isObject(d)) continue;
    const group = d.CloudWatchLogsLogGroup ?? d.cloudWatchLogsLogGroup;
    const arn = isObject(group) ? (str(group.LogGroupArn) ?? str(group.logGroupArn)) : undefined;
    if (arn) arns.push({ CloudWatchLogsLogGroup: { LogGroupArn: arn } });
  }
  if (arns.length > 0) out.Destinations = arns;
  return Object.keys(out).length > 0 ? out : undefined;
}

function tracing(v: unknown): JsonObject | undefined {
  if (!isObject(v)) return undefined;
  const enabled = toBool(v.Enabled ?? v.enabled);
  return enabled === undefined ? undefined : { Enabled: enabled };
}

export const adapter: ResourceAdapter = {
  type: "AWS::StepFunctions::StateMachine",
  service: "states",
  nameField: "StateMachineName",
  arn: (ref, doc) =>
    typeof doc.Arn === "string" && STATE_MACHINE_ARN.test(doc.Arn)
      ? doc.Arn
      : STATE_MACHINE_ARN.test(ref.id)
        ? ref.id
        : undefined,
  cloudFormation: { arnAttributes: ["Arn"], refIsArn: true },
  documentSchema: {
    type: "object",
    properties: {
      StateMachineName: { type: "string" },
      Arn: { type: "string" },
      StateMachineType: { type: "string", description: "STANDARD or EXPRESS." },
      RoleArn: { type: "string" },
      LoggingConfiguration: {
        type: "object",
        properties: {
          Level: { enum: LEVELS },
          IncludeExecutionData: { type: "boolean" },
          Destinations: {
            type: "array",
            items: {
              type: "object",
              properties: {
                CloudWatchLogsLogGroup: { type: "object", properties: { LogGroupArn: { type: "string" } } },
              },
            },
          },
        },
      },
      TracingConfiguration: { type: "object", properties: { Enabled: { type: "boolean" } } },
      tags: tagsSchema,
    },
    required: ["StateMachineName", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc: JsonObject = {};
    const arn = str(cfg.Arn) ?? (STATE_MACHINE_ARN.test(item.resourceId) ? item.resourceId : undefined);
    doc.StateMachineName =
      str(cfg.StateMachineName) ?? item.resourceName ?? (arn ? arn.slice(arn.lastIndexOf(":") + 1) : item.resourceId);
    if (arn) doc.Arn = arn;
    for (const k of ["StateMachineType", "RoleArn"]) {
      const v = str(cfg[k]);
      if (v) doc[k] = v;
    }
    const log = logging(cfg.LoggingConfiguration);
    if (log) doc.LoggingConfiguration = log;
    const trace = tracing(cfg.TracingConfiguration);
    if (trace) doc.TracingConfiguration = trace;
    doc.tags = item.tags;
    return doc;
  },
  /** Reads DescribeStateMachine and ListTagsForResource (`tags` as `[{key, value}]`). */
  fromDescribe(
    described: Described & {
      DescribeStateMachine: DescribeStateMachineOutput;
      ListTagsForResource?: ListTagsForResourceOutput;
    },
  ) {
    const m = plainObject(described.DescribeStateMachine);
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration: {
          Arn: m.stateMachineArn,
          StateMachineName: m.name,
          StateMachineType: m.type,
          RoleArn: m.roleArn,
          LoggingConfiguration: m.loggingConfiguration,
          TracingConfiguration: m.tracingConfiguration,
        },
        tags: tagMap(plainObject(described.ListTagsForResource).tags),
        resourceName: str(m.name),
        arn: str(m.stateMachineArn),
      }),
    );
  },
  /**
   * The state machine a call names: `requestParameters.stateMachineArn` or `resourceArn`, or CreateStateMachine's
   * `responseElements.stateMachineArn` ("Logging Step Functions API calls with AWS CloudTrail").
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "states.amazonaws.com" || !EVENTS.has(baseEventName(record))) return [];
    const arn =
      requestValue(record, "stateMachineArn") ??
      requestValue(record, "resourceArn") ??
      responseValue(record, "stateMachineArn");
    if (!arn || !STATE_MACHINE_ARN.test(arn)) return [];
    return [refFromRecord(record, adapter.type, arn, arn, arnParts(arn))];
  },
  /**
   * AWS::StepFunctions::StateMachine Properties (CloudFormation reference), the names Config records. Without
   * LoggingConfiguration the level is OFF, without TracingConfiguration tracing is off, and the type is STANDARD
   * (Step Functions API Reference, CreateStateMachine).
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties`;
    const { tags: _t, Arn: _a, ...schemaFields } = (adapter.documentSchema as { properties: JsonObject }).properties;
    const doc = src.shape({ type: "object", properties: schemaFields }, r.properties, "", base) as JsonObject;
    doc.StateMachineName ??= deployTimeValue(src, "the generated state machine name");
    doc.StateMachineType ??= "STANDARD";
    doc.LoggingConfiguration ??= { Level: "OFF" };
    if (isObject(doc.LoggingConfiguration)) doc.LoggingConfiguration.Level ??= "OFF";
    doc.TracingConfiguration ??= { Enabled: false };
    if (isObject(doc.TracingConfiguration)) doc.TracingConfiguration.Enabled ??= false;
    doc.tags = templateTags(r.properties.Tags);
    return doc;
  },
};
