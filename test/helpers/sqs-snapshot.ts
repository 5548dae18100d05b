/**
 * A Config snapshot file of SQS queues, as AWS Config delivers it to S3 (AWS Config Developer Guide, "Configuration
 * snapshot"; items in the invocation naming, configuration item version 1.3), for the scan tests.
 */
export function sqsItem(name: string, configuration: Record<string, string> = {}) {
  return {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2026-11-20T08:00:00.000Z",
    configurationStateId: 1795075200000,
    awsAccountId: "111122223333",
    configurationItemStatus: "OK",
    resourceType: "AWS::SQS::Queue",
    resourceId: `https://sqs.eu-west-1.amazonaws.com/111122223333/${name}`,
    resourceName: name,
    ARN: `arn:aws:sqs:eu-west-1:111122223333:${name}`,
    awsRegion: "eu-west-1",
    availabilityZone: "Not Applicable",
    configuration: { QueueArn: `arn:aws:sqs:eu-west-1:111122223333:${name}`, ...configuration },
    supplementaryConfiguration: { Tags: {} },
    tags: {},
    relationships: [],
    relatedEvents: [],
  };
}

/** The snapshot file's text around the given items. */
export function snapshot(items: unknown[]): string {
  return JSON.stringify({
    fileVersion: "1.0",
    configSnapshotId: "0b7c3f2e-5d5e-4c1a-9a4e-2f1d6c8b9e10",
    configurationItems: items,
  });
}

/** A snapshot of queues with no encryption setting, one per name. */
export function sqsSnapshot(names: string[]): string {
  return snapshot(names.map((name) => sqsItem(name)));
}
