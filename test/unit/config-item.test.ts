import { toConfigItem, ConfigItemError } from "../../lib/resources/config-item";
import { recorded } from "../helpers/recorded";

describe("toConfigItem", () => {
  test("reads the recorded Config rule invocation (invocation naming, invokingEvent is a JSON string)", () => {
    const event = recorded<{ invokingEvent: string }>("config-rule-invocation-change.json");
    const invoking = JSON.parse(event.invokingEvent) as { configurationItem: unknown };
    const item = toConfigItem(invoking.configurationItem);
    expect(item).toMatchObject({
      resourceType: "AWS::EC2::Instance",
      resourceId: "i-094bc87c84d56c589",
      arn: "arn:aws:ec2:us-east-1:644160558196:instance/i-094bc87c84d56c589",
      accountId: "644160558196",
      region: "us-east-1",
      status: "OK",
      captureTime: "2016-08-24T00:13:58.422Z",
      tags: { Name: "redrum-redrum" },
    });
    expect(item.configuration).toMatchObject({ instanceId: "i-094bc87c84d56c589" });
    expect(item.relationships[0]).toEqual({
      resourceType: "AWS::EC2::NetworkInterface",
      resourceId: "eni-710f5161",
      name: "Contains NetworkInterface",
    });
  });

  test("reads the recorded EventBridge Config item change for an SQS queue", () => {
    const event = recorded<{ detail: { configurationItem: unknown } }>("eventbridge-config-item-change-sqs-queue.json");
    const item = toConfigItem(event.detail.configurationItem);
    expect(item.resourceId).toBe("https://sqs.us-east-1.amazonaws.com/644160558196/config-changes");
    expect(item.status).toBe("ResourceDiscovered");
    expect(item.configuration?.VisibilityTimeout).toBe("30");
    expect(item.supplementaryConfiguration).toEqual({ Tags: {} });
  });

  test("reads API naming: configuration and supplementaryConfiguration values as JSON strings", () => {
    const select = recorded<{ data: { Results: string[] } }>("config-select-resource-config-apigateway-stage.json");
    const raw = JSON.parse(select.data.Results[0] as string) as Record<string, unknown>;
    const item = toConfigItem({ ...raw, resourceType: "AWS::ApiGateway::Stage" });
    expect(item.resourceId).toBe("arn:aws:apigateway:us-east-2::/restapis/3qcpw4j8pi/stages/dev");
    expect(item.configuration?.stageName).toBe("dev");

    const api = toConfigItem({
      version: "1.3",
      accountId: "111122223333",
      configurationItemStatus: "OK",
      resourceType: "AWS::S3::Bucket",
      resourceId: "orders-assets",
      arn: "arn:aws:s3:::orders-assets",
      awsRegion: "eu-west-1",
      configuration: '{"name":"orders-assets"}',
      supplementaryConfiguration: { BucketVersioningConfiguration: '{"status":"Enabled","isMfaDeleteEnabled":null}' },
      relationships: [{ resourceType: "AWS::IAM::Role", resourceName: "x", relationshipName: "Is attached to Role" }],
      tags: { team: "orders" },
    });
    expect(api).toMatchObject({
      accountId: "111122223333",
      arn: "arn:aws:s3:::orders-assets",
      tags: { team: "orders" },
    });
    expect(api.configuration).toEqual({ name: "orders-assets" });
    expect(api.supplementaryConfiguration.BucketVersioningConfiguration).toEqual({
      status: "Enabled",
      isMfaDeleteEnabled: null,
    });
    expect(api.relationships[0]?.name).toBe("Is attached to Role");
  });

  test("deleted items keep their identity and have no configuration", () => {
    const item = toConfigItem({
      resourceType: "AWS::SQS::Queue",
      resourceId: "https://sqs.eu-west-1.amazonaws.com/111122223333/gone",
      configurationItemStatus: "ResourceDeleted",
      configuration: null,
      awsAccountId: "111122223333",
      awsRegion: "eu-west-1",
    });
    expect(item.status).toBe("ResourceDeleted");
    expect(item.configuration).toBeNull();
  });

  test("SNS tags in supplementaryConfiguration.Tags as [{key,value}] are folded into the tag map", () => {
    const item = toConfigItem({
      resourceType: "AWS::SNS::Topic",
      resourceId: "arn:aws:sns:eu-west-1:111122223333:orders",
      configuration: {},
      supplementaryConfiguration: { Tags: [{ key: "team", value: "orders" }] },
    });
    expect(item.tags).toEqual({ team: "orders" });
  });

  test.each([
    [null, ""],
    [{ resourceId: "x" }, "/resourceType"],
    [{ resourceType: "AWS::SQS::Queue" }, "/resourceId"],
    [{ resourceType: "AWS::SQS::Queue", resourceId: "x", configuration: "{not json" }, "/configuration"],
    [{ resourceType: "AWS::SQS::Queue", resourceId: "x", configuration: "[1,2]" }, "/configuration"],
  ])("rejects %j with a ConfigItemError at %s", (raw, path) => {
    try {
      toConfigItem(raw);
      throw new Error("accepted");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigItemError);
      expect((e as ConfigItemError).path).toBe(path);
    }
  });
});
