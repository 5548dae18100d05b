import type { Described, ResourceRef } from "../../resources/adapter";
import type { JsonObject } from "../../util/json";
import { partitionOf } from "../../detect/record";
import { describeDomainName, describeMethod, describeRestApi, describeStage } from "./apigateway";
import { describeTable } from "./dynamodb";
import { describeFunction } from "./lambda";
import { describeBucket } from "./s3";
import { describeTopic } from "./sns";
import { describeQueue } from "./sqs";

/**
 * The live describes, one per resource type, and how a described resource is identified (its Config
 * resourceName and ARN). A static table rather than a directory walk (docs/decisions.md §3): each describe imports
 * one SDK client, and a bundle must see the imports to include them. AWS::CloudTrail::Trail has none: no CloudTrail
 * SDK client is installed, so trails are judged by the Config rule only.
 */
export interface Describer {
  describe(ref: ResourceRef): Promise<Described | undefined>;
  /** The document property holding the resource's name (Config's resourceName). */
  nameField: string;
  /** The resource's ARN when the reference does not carry one. */
  arn(ref: ResourceRef, document: JsonObject): string | undefined;
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const apigatewayArn = (ref: ResourceRef, path: string) =>
  `arn:${partitionOf(ref.region)}:apigateway:${ref.region}::${path}`;

export const describers: ReadonlyMap<string, Describer> = new Map<string, Describer>([
  [
    "AWS::ApiGateway::RestApi",
    { describe: describeRestApi, nameField: "name", arn: (ref) => apigatewayArn(ref, `/restapis/${ref.id}`) },
  ],
  ["AWS::ApiGateway::Stage", { describe: describeStage, nameField: "stageName", arn: (ref) => ref.id }],
  [
    "AWS::ApiGateway::DomainName",
    {
      describe: describeDomainName,
      nameField: "domainName",
      arn: (ref) => apigatewayArn(ref, `/domainnames/${ref.id}`),
    },
  ],
  ["AWS::ApiGateway::Method", { describe: describeMethod, nameField: "httpMethod", arn: (ref) => ref.id }],
  ["AWS::SQS::Queue", { describe: describeQueue, nameField: "QueueName", arn: (_ref, doc) => text(doc.QueueArn) }],
  ["AWS::SNS::Topic", { describe: describeTopic, nameField: "TopicName", arn: (ref) => ref.id }],
  [
    "AWS::S3::Bucket",
    { describe: describeBucket, nameField: "name", arn: (ref) => `arn:${partitionOf(ref.region)}:s3:::${ref.id}` },
  ],
  [
    "AWS::Lambda::Function",
    { describe: describeFunction, nameField: "functionName", arn: (_ref, doc) => text(doc.functionArn) },
  ],
  ["AWS::DynamoDB::Table", { describe: describeTable, nameField: "tableName", arn: (_ref, doc) => text(doc.tableArn) }],
]);

/** Whether `describeResource` can describe this type (else it throws UnsupportedDescribeError). */
export function canDescribe(type: string): boolean {
  return describers.has(type);
}
