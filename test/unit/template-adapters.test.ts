import { markersIn, replaceAt, representative } from "../../lib/cloudformation/depends";
import { cloudFormationSource } from "../../lib/cloudformation/document";
import { resolveTemplate } from "../../lib/cloudformation/resolve";
import { parseTemplate } from "../../lib/cloudformation/template";
import { UnknownValue } from "../../lib/cloudformation/unknown";
import { Engine, markTemplateDocument } from "../../lib/engine/evaluate";
import type { Resource } from "../../lib/resources/adapter";
import { createMetaAjv } from "../../lib/policy/ajv";
import { loadPolicies } from "../../lib/policy/load";
import { resourceAdapters, resourceIdentities } from "../../lib/resources/registry";
import { judgeTemplate } from "../../lib/scan/template";

/*
 * Each adapter's CloudFormation source. Property names and shapes are those of the CloudFormation Template
 * Reference: AWS::ApiGateway::RestApi / Stage (and "AWS::ApiGateway::Stage MethodSetting") / DomainName / Method /
 * BasePathMapping, AWS::Lambda::Function / Permission, AWS::DynamoDB::Table, AWS::SQS::Queue / QueuePolicy,
 * AWS::SNS::Topic / TopicPolicy, AWS::S3::Bucket / BucketPolicy, AWS::CloudTrail::Trail and
 * AWS::WAFv2::WebACLAssociation.
 */

const TEMPLATE = `
Parameters:
  CertArn: { Type: String }
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: orders-api
      EndpointConfiguration: { Types: [REGIONAL] }
      DisableExecuteApiEndpoint: true
      SecurityPolicy: TLS_1_2
  Domain:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: orders.api.example.com
      SecurityPolicy: TLS_1_0
      RegionalCertificateArn: !Ref CertArn
      EndpointConfiguration: { Types: [REGIONAL] }
  Mapping:
    Type: AWS::ApiGateway::BasePathMapping
    Properties: { DomainName: !Ref Domain, RestApiId: !Ref Api, Stage: prod }
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      StageName: prod
      TracingEnabled: "true"
      AccessLogSetting: { DestinationArn: !GetAtt Logs.Arn, Format: "$context.requestId" }
      MethodSettings:
        - { ResourcePath: "/*", HttpMethod: "*", LoggingLevel: INFO, DataTraceEnabled: false }
  Logs:
    Type: AWS::Logs::LogGroup
  Acl:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !Sub "arn:\${AWS::Partition}:apigateway:\${AWS::Region}::/restapis/\${Api}/stages/prod"
      WebACLArn: !GetAtt WebAcl.Arn
  WebAcl:
    Type: AWS::WAFv2::WebACL
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: POST
      AuthorizationType: AWS_IAM
      Integration: { Type: HTTP_PROXY, IntegrationHttpMethod: POST, Uri: "http://partner.example.com/hook" }
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: orders-api-handler
      Runtime: nodejs22.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      MemorySize: "1024"
      TracingConfig: { Mode: PassThrough }
      Code: { ZipFile: "x" }
  Role:
    Type: AWS::IAM::Role
  PublicInvoke:
    Type: AWS::Lambda::Permission
    Properties: { FunctionName: !GetAtt Fn.Arn, Action: "lambda:InvokeFunction", Principal: "*" }
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders-table
      DeletionProtectionEnabled: true
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      BillingMode: PAY_PER_REQUEST
  Queue:
    Type: AWS::SQS::Queue
    Properties: { QueueName: orders-jobs, SqsManagedSseEnabled: true, RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:111122223333:orders-dlq","maxReceiveCount":5}' }
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Statement:
          Effect: Allow
          Principal: "*"
          Action: sqs:SendMessage
          Resource: !GetAtt Queue.Arn
  Topic:
    Type: AWS::SNS::Topic
    Properties: { TopicName: orders-events, KmsMasterKeyId: alias/aws/sns }
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: orders-assets
      VersioningConfiguration: { Status: Suspended }
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties: { TrailName: t, S3BucketName: b, IsLogging: true, IsMultiRegionTrail: true, EnableLogFileValidation: false, KMSKeyId: !Ref CertArn }
`;

const { policies } = loadPolicies();
const engine = new Engine(policies);
const resolved = resolveTemplate(parseTemplate("t.yaml", TEMPLATE), {}, resourceIdentities());
const verdicts = judgeTemplate(resolved, engine);
const verdict = (logicalId: string, policyId: string) =>
  verdicts.find((v) => v.resource.logicalId === logicalId)?.evaluations.find((e) => e.policyId === policyId);

test("every adapter reads CloudFormation, and its documents satisfy its document schema", () => {
  const adapters = [...resourceAdapters().values()];
  expect(adapters.filter((a) => !a.fromCloudFormation).map((a) => a.type)).toEqual([]);
  const meta = createMetaAjv();
  // Documents with their unknowns replaced by a member of their shape satisfy the schema.
  for (const tr of resolved.resources) {
    const adapter = resourceAdapters().get(tr.type);
    if (!adapter?.fromCloudFormation) continue;
    let doc: unknown = adapter.fromCloudFormation(cloudFormationSource(tr, resolved.resources, new Map()));
    for (const m of markersIn(doc)) {
      if (m.marker instanceof UnknownValue)
        doc = replaceAt(doc, m.path, m.marker.values?.[0] ?? representative(m.marker));
    }
    const validate = meta.compile(adapter.documentSchema as object);
    expect([tr.logicalId, validate(doc) ? "valid" : validate.errors]).toEqual([tr.logicalId, "valid"]);
  }
  // Every covered type of the template was judged.
  expect(new Set(verdicts.map((v) => v.resource.type)).size).toBe(adapters.length);
});

test("joined resources and CloudFormation spellings reach the policies", () => {
  expect(verdict("Api", "apigateway-restapi-default-endpoint-disabled")?.compliance).toBe("COMPLIANT"); // mapping found
  expect(verdict("Api", "apigateway-restapi-tls-1-2")?.compliance).toBe("COMPLIANT");
  expect(verdict("Domain", "apigateway-domain-tls-1-2")?.compliance).toBe("NON_COMPLIANT");
  expect(verdict("Stage", "apigateway-stage-xray-tracing")?.compliance).toBe("COMPLIANT"); // "true" coerced
  expect(verdict("Stage", "apigateway-stage-waf")?.compliance).toBe("COMPLIANT"); // association by Sub
  expect(verdict("Stage", "apigateway-stage-access-logging")?.compliance).toBe("COMPLIANT");
  expect(verdict("Stage", "apigateway-stage-execution-logging")?.compliance).toBe("COMPLIANT");
  expect(verdict("Method", "apigateway-integration-https-backend")?.compliance).toBe("NON_COMPLIANT");
  expect(verdict("Fn", "lambda-function-not-public")?.compliance).toBe("NON_COMPLIANT"); // AWS::Lambda::Permission "*"
  expect(verdict("Fn", "lambda-function-xray-tracing")?.compliance).toBe("NON_COMPLIANT");
  expect(verdict("Table", "dynamodb-table-pitr")?.compliance).toBe("NON_COMPLIANT"); // CreateTable default: off
  expect(verdict("Table", "dynamodb-table-deletion-protection")?.compliance).toBe("COMPLIANT");
  expect(verdict("Queue", "sqs-queue-not-public")?.compliance).toBe("NON_COMPLIANT"); // single Statement object
  expect(verdict("Queue", "sqs-queue-dead-letter")?.compliance).toBe("COMPLIANT"); // RedrivePolicy as JSON text
  expect(verdict("Topic", "sns-topic-tls-only")?.compliance).toBe("NON_COMPLIANT"); // no TopicPolicy
  expect(verdict("Bucket", "s3-bucket-versioning")?.compliance).toBe("NON_COMPLIANT");
  expect(verdict("Bucket", "s3-bucket-default-encryption")?.compliance).toBe("COMPLIANT"); // S3's SSE-S3 default
  expect(verdict("Trail", "cloudtrail-trail-log-file-validation")?.compliance).toBe("NON_COMPLIANT");
});

test("a value known only at deploy gives UNKNOWN naming the property, unless the verdict does not depend on it", () => {
  const trailKms = verdict("Trail", "cloudtrail-trail-kms-encryption");
  expect(trailKms?.compliance).toBe("UNKNOWN"); // a String parameter without a default may be ""
  expect(trailKms?.unknown).toEqual({
    pointer: "/kmsKeyId",
    reason: expect.stringMatching(/parameter CertArn/),
    templatePointer: "/Resources/Trail/Properties/KMSKeyId/Ref",
  });
  expect(trailKms?.source?.line).toBe(TEMPLATE.split("\n").findIndex((l) => l.includes("KMSKeyId")) + 1);
  // The bucket's name and the queue's ARN are unknown too, but no policy reads them.
  expect(verdict("Queue", "sqs-queue-encrypted")?.compliance).toBe("COMPLIANT");
  expect(verdict("Topic", "sns-topic-encrypted-kms")?.compliance).toBe("COMPLIANT");
  // A violation points at the offending property's line.
  const domain = verdict("Domain", "apigateway-domain-tls-1-2");
  expect(domain?.source?.line).toBe(TEMPLATE.split("\n").findIndex((l) => l.includes("SecurityPolicy: TLS_1_0")) + 1);
});

test("template documents are judged only by evaluateTemplate", () => {
  const doc: Record<string, unknown> = { QueueUrl: "u", QueueName: "q", tags: {} };
  markTemplateDocument(doc);
  const r: Resource = {
    type: "AWS::SQS::Queue",
    id: "Q",
    accountId: "",
    region: "",
    tags: {},
    deleted: false,
    document: doc,
  };
  expect(() => engine.evaluate(r)).toThrow(/evaluateTemplate/);
  expect(engine.evaluateTemplate(r).find((e) => e.policyId === "sqs-queue-encrypted")?.compliance).toBe(
    "NON_COMPLIANT",
  );
});
