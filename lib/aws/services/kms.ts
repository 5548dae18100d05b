import {
  CancelKeyDeletionCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import type { OperationTable, ServiceDefinition } from "../service";

/**
 * AWS Key Management Service. An unknown or deleted key is NotFoundException (KMS API Reference, DescribeKey
 * Errors).
 */
export const service = {
  name: "kms",
  serviceId: "KMS",
  package: "@aws-sdk/client-kms",
  client: KMSClient,
  eventSource: "kms.amazonaws.com",
  notFound: ["NotFoundException"],
} as const satisfies ServiceDefinition;

const KEYS = ["arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*"];

export const operations = {
  DescribeKey: { action: "kms:DescribeKey", access: "read", resources: KEYS },
  GetKeyRotationStatus: { action: "kms:GetKeyRotationStatus", access: "read", resources: KEYS },
  ListResourceTags: { action: "kms:ListResourceTags", access: "read", resources: KEYS },
  EnableKeyRotation: {
    action: "kms:EnableKeyRotation",
    access: "write",
    resources: KEYS,
    command: EnableKeyRotationCommand,
    service,
  },
  DisableKeyRotation: {
    action: "kms:DisableKeyRotation",
    access: "restore",
    resources: KEYS,
    command: DisableKeyRotationCommand,
    service,
  },
  CancelKeyDeletion: {
    action: "kms:CancelKeyDeletion",
    access: "write",
    resources: KEYS,
    command: CancelKeyDeletionCommand,
    service,
  },
  ScheduleKeyDeletion: {
    action: "kms:ScheduleKeyDeletion",
    access: "restore",
    resources: KEYS,
    command: ScheduleKeyDeletionCommand,
    service,
  },
} satisfies OperationTable;
