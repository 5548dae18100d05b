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
  Key:
    Type: AWS::KMS::Key
    Properties: { EnableKeyRotation: true }
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties: { Name: orders/db }
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties: { RoleArn: !GetAtt Role.Arn, DefinitionString: "{}", TracingConfiguration: { Enabled: true } }
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
  Db:
    Type: AWS::RDS::DBInstance
    Properties: { DBInstanceIdentifier: orders-db, Engine: postgres, DBInstanceClass: db.t4g.medium, StorageEncrypted: "true", BackupRetentionPeriod: 7 }
  Aurora:
    Type: AWS::RDS::DBCluster
    Properties: { DBClusterIdentifier: orders-aurora, Engine: aurora-postgresql, DeletionProtection: true }
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: { Name: clickstream, ShardCount: 1, StreamEncryption: { EncryptionType: KMS, KeyId: alias/aws/kinesis } }
  Repo:
    Type: AWS::ECR::Repository
    Properties: { RepositoryName: team/orders-api, ImageTagMutability: IMMUTABLE }
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: orders-api
      NetworkMode: awsvpc
      ContainerDefinitions: [{ Name: app, Image: !Sub "\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.amazonaws.com/team/orders-api:1", ReadonlyRootFilesystem: "true", Environment: [{ Name: AWS_SECRET_ACCESS_KEY, Value: x }] }]
  Cluster:
    Type: AWS::ECS::Cluster
    Properties: { ClusterName: orders, ClusterSettings: [{ Name: containerInsights, Value: enabled }] }
  Svc:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      LaunchType: FARGATE
      TaskDefinition: !Ref Task
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: ENABLED, Subnets: [subnet-0a1b2c3d4e5f60001] } }
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        DefaultRootObject: index.html
        Origins:
          - Id: alb
            DomainName: !GetAtt Alb.DNSName
            CustomOriginConfig: { OriginProtocolPolicy: http-only, OriginSSLProtocols: [SSLv3, TLSv1.2] }
        DefaultCacheBehavior: { TargetOriginId: alb, ViewerProtocolPolicy: redirect-to-https, CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6 }
        CacheBehaviors:
          - { PathPattern: "/api/*", TargetOriginId: alb, ViewerProtocolPolicy: allow-all, CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad }
        ViewerCertificate:
          AcmCertificateArn: arn:aws:acm:us-east-1:111122223333:certificate/4f0c2a9e-7b1d-4c55-9e3a-2d8f6b1a0c77
          SslSupportMethod: sni-only
          MinimumProtocolVersion: TLSv1.2_2021
        Logging: { Bucket: cdn-logs.s3.amazonaws.com }
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Name: orders-alb
      Subnets: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]
      LoadBalancerAttributes:
        - { Key: deletion_protection.enabled, Value: "true" }
        - { Key: routing.http.drop_invalid_header_fields.enabled, Value: false }
  AlbSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: alb
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }]
  HttpApi:
    Type: AWS::ApiGatewayV2::Api
    Properties: { Name: orders-http, ProtocolType: HTTP }
  HttpApiStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: { ApiId: !Ref HttpApi, StageName: prod, AutoDeploy: true }
  HttpApiDomain:
    Type: AWS::ApiGatewayV2::DomainName
    Properties:
      DomainName: orders.api.example.com
      DomainNameConfigurations: [{ CertificateArn: !Ref CertArn, EndpointType: REGIONAL, SecurityPolicy: TLS_1_0 }]
  HttpApiMapping:
    Type: AWS::ApiGatewayV2::ApiMapping
    Properties: { ApiId: !Ref HttpApi, DomainName: !Ref HttpApiDomain, Stage: prod }
  HttpListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Alb
      Port: 80
      Protocol: HTTP
      DefaultActions: [{ Type: redirect, RedirectConfig: { Protocol: HTTPS, Port: "443", StatusCode: HTTP_301 } }]
  HttpsListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Alb
      Port: 443
      Protocol: HTTPS
      Certificates: [{ CertificateArn: !Ref CertArn }]
      DefaultActions: [{ Type: fixed-response, FixedResponseConfig: { StatusCode: "404" } }]
  Eks:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::111122223333:role/eks-cluster-role
      ResourcesVpcConfig: { SubnetIds: [subnet-05b873ed614f61c42], EndpointPublicAccess: false }
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      CacheNodeType: cache.t4g.micro
      TransitEncryptionEnabled: !Ref CertArn
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
  expect(verdict("Db", "rds-instance-encrypted")?.compliance).toBe("COMPLIANT"); // "true" coerced
  expect(verdict("Db", "rds-instance-deletion-protection")?.compliance).toBe("NON_COMPLIANT"); // RDS default: off
  expect(verdict("Db", "rds-instance-auto-minor-upgrade")?.compliance).toBe("COMPLIANT"); // RDS default: on
  expect(verdict("Cdn", "cloudfront-viewer-https")?.compliance).toBe("NON_COMPLIANT"); // /api/* allow-all
  expect(verdict("Cdn", "cloudfront-origin-https")?.compliance).toBe("NON_COMPLIANT"); // http-only
  expect(verdict("Cdn", "cloudfront-origin-no-sslv3")?.compliance).toBe("NON_COMPLIANT"); // OriginSSLProtocols spelling
  expect(verdict("Cdn", "cloudfront-viewer-tls-1-2")?.compliance).toBe("COMPLIANT"); // AcmCertificateArn spelling
  expect(verdict("Cdn", "cloudfront-logging")?.compliance).toBe("COMPLIANT"); // Logging present: on
  expect(verdict("Cdn", "cloudfront-waf")?.compliance).toBe("NON_COMPLIANT"); // no WebACLId
  expect(verdict("Alb", "elb-deletion-protection")?.compliance).toBe("COMPLIANT");
  expect(verdict("Alb", "elb-drop-invalid-headers")?.compliance).toBe("NON_COMPLIANT"); // false coerced to "false"
  expect(verdict("Alb", "elb-desync-mitigation")?.compliance).toBe("COMPLIANT"); // ELB default: defensive
  expect(verdict("HttpListener", "elb-listener-http-redirect")?.compliance).toBe("COMPLIANT");
  expect(verdict("HttpsListener", "elb-listener-tls-1-2")?.compliance).toBe("NON_COMPLIANT"); // no SslPolicy: 2016-08
  expect(verdict("Db", "rds-instance-not-public")?.compliance).toBe("UNKNOWN"); // decided by the subnet group's VPC
  expect(verdict("Aurora", "rds-cluster-deletion-protection")?.compliance).toBe("COMPLIANT");
  expect(verdict("Aurora", "rds-cluster-encrypted")?.compliance).toBe("NON_COMPLIANT");
  expect(verdict("Stream", "kinesis-stream-encrypted")?.compliance).toBe("COMPLIANT");
  expect(verdict("Stream", "kinesis-stream-retention")?.compliance).toBe("NON_COMPLIANT"); // 24 h default
  expect(verdict("Repo", "ecr-repository-tag-immutability")?.compliance).toBe("COMPLIANT");
  expect(verdict("Repo", "ecr-repository-scan-on-push")?.compliance).toBe("NON_COMPLIANT"); // ECR default: off
  expect(verdict("Task", "ecs-task-definition-readonly-root")?.compliance).toBe("COMPLIANT"); // "true" coerced
  expect(verdict("Task", "ecs-task-definition-no-environment-secrets")?.compliance).toBe("NON_COMPLIANT");
  expect(verdict("Task", "ecs-task-definition-logging")?.compliance).toBe("NON_COMPLIANT"); // no LogConfiguration
  expect(verdict("Svc", "ecs-service-no-public-ip")?.compliance).toBe("NON_COMPLIANT");
  expect(verdict("Svc", "ecs-service-fargate-latest-platform")?.compliance).toBe("COMPLIANT"); // ECS default: LATEST
  expect(verdict("Cluster", "ecs-cluster-container-insights")?.compliance).toBe("COMPLIANT");
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
