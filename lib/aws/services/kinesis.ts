import { KinesisClient, StartStreamEncryptionCommand, StopStreamEncryptionCommand } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * Amazon Kinesis Data Streams. A deleted stream is ResourceNotFoundException (Kinesis API Reference,
 * DescribeStreamSummary Errors). The SDK client defaults to HTTP/2 (for SubscribeToShard); an emulator endpoint
 * speaks HTTP/1.1, so a client built for one gets the HTTP/1.1 handler.
 */
export const service = {
  name: "kinesis",
  serviceId: "Kinesis",
  package: "@aws-sdk/client-kinesis",
  client: KinesisClient,
  clientConfig: (settings) => (settings.endpoint ? { requestHandler: new NodeHttpHandler() } : {}),
  eventSource: "kinesis.amazonaws.com",
  notFound: ["ResourceNotFoundException"],
} as const satisfies ServiceDefinition;

const STREAMS = ["arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/*"];

export const operations = {
  DescribeStreamSummary: { action: "kinesis:DescribeStreamSummary", access: "read", resources: STREAMS },
  ListTagsForStream: { action: "kinesis:ListTagsForStream", access: "read", resources: STREAMS },
  StartStreamEncryption: {
    action: "kinesis:StartStreamEncryption",
    access: "write",
    resources: STREAMS,
    command: StartStreamEncryptionCommand,
    service,
  },
  StopStreamEncryption: {
    action: "kinesis:StopStreamEncryption",
    access: "restore",
    resources: STREAMS,
    command: StopStreamEncryptionCommand,
    service,
  },
} satisfies OperationTable;
