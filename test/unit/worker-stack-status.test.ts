import {
  CloudFormationServiceException,
  DescribeStacksCommand,
  CloudFormationClient,
} from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { resetClients } from "../../lib/aws/clients";
import { stackStatus } from "../../lib/remediation/worker/aws";

// DescribeStacks: CloudFormation API Reference. A stack that does not exist is a ValidationError
// "Stack with id <name> does not exist" (400), not an empty list.
const cfn = mockClient(CloudFormationClient);
const log = { warn: jest.fn() };

beforeEach(() => {
  cfn.reset();
  resetClients();
  log.warn.mockReset();
});

describe("stackStatus (the grace period's view of a resource's CloudFormation stack)", () => {
  it("reads StackStatus by the tag's stack name, in the resource's Region", async () => {
    cfn.on(DescribeStacksCommand, { StackName: "orders-prod" }).resolves({
      Stacks: [
        {
          StackName: "orders-prod",
          StackStatus: "UPDATE_IN_PROGRESS",
          CreationTime: new Date("2026-11-01T00:00:00Z"),
        },
      ],
    });
    await expect(stackStatus("orders-prod", "eu-west-1", log)).resolves.toBe("UPDATE_IN_PROGRESS");
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: "orders-prod" });
    expect(await cfn.call(0).thisValue.config.region()).toBe("eu-west-1");
  });

  it("a stack that does not exist is undefined, quietly", async () => {
    cfn.on(DescribeStacksCommand).rejects(
      new CloudFormationServiceException({
        name: "ValidationError",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
        message: "Stack with id orders-prod does not exist",
      }),
    );
    await expect(stackStatus("orders-prod", "eu-west-1", log)).resolves.toBeUndefined();
    expect(log.warn).not.toHaveBeenCalled();
  });

  it("any other failure is undefined and logged: grace then falls back to the request's age", async () => {
    cfn.on(DescribeStacksCommand).rejects(
      new CloudFormationServiceException({
        name: "Throttling",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
        message: "Rate exceeded",
      }),
    );
    await expect(stackStatus("orders-prod", "eu-west-1", log)).resolves.toBeUndefined();
    expect(log.warn).toHaveBeenCalledWith(
      expect.stringContaining("stack status unknown"),
      expect.objectContaining({ stackName: "orders-prod", region: "eu-west-1" }),
    );
  });
});
