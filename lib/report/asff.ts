import type { AwsSecurityFinding, Partition, ResourceDetails } from "@aws-sdk/client-securityhub";
import type { AnyEvaluation as Evaluation } from "../engine/evaluate";
import type { PolicyFile, Severity } from "../policy/types";
import { createFindingsArrayWriter } from "./common";
import { sarifFingerprint } from "./sarif";
import type { ReportOptions, ReportWriter } from "./types";

/**
 * AWS Security Finding Format (ASFF), as Security Hub's BatchImportFindings takes it. Every field below is
 * described in the Security Hub User Guide, "Required top-level ASFF attributes" and "Optional top-level ASFF
 * attributes", and typed by the API Reference's AwsSecurityFinding shape (the SDK's `AwsSecurityFinding`).
 */

/** "Required top-level ASFF attributes", SchemaVersion: the one version Security Hub defines. */
export const ASFF_SCHEMA_VERSION = "2018-10-08";

/** What a finding needs to know of its policy: the scan's PolicyInfo, or the full policy in the pipeline. */
export interface FindingPolicy {
  id: string;
  title: string;
  severity: Severity;
  frameworks?: Record<string, string[]>;
  /** The policy's description (the pipeline has it; a scan's summary does not). */
  description?: string;
  /** The policy's remediation action, if it has one. */
  remediation?: { action: string; mode?: string };
}

/** What an ASFF finding says of a policy, from the policy file itself (the pipeline's findings). */
export function findingPolicy(policy: PolicyFile): FindingPolicy {
  return {
    id: policy.id,
    title: policy.title,
    severity: policy.severity,
    ...(policy.frameworks ? { frameworks: policy.frameworks } : {}),
    ...(policy.description ? { description: policy.description } : {}),
    ...(policy.remediation
      ? { remediation: { action: policy.remediation.action, mode: policy.remediation.mode } }
      : {}),
  };
}

/** ASFF Severity.Label values ("Optional top-level ASFF attributes", Severity). */
const SEVERITY_LABEL: Record<Severity, "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "INFORMATIONAL"> = {
  critical: "CRITICAL",
  high: "HIGH",
  medium: "MEDIUM",
  low: "LOW",
  info: "INFORMATIONAL",
};

/**
 * CloudFormation type → ASFF `Resources[].Type`. The ASFF resource types are the names of the API Reference's
 * ResourceDetails members; a type without one is "Other" ("Resources" in "Required top-level ASFF attributes").
 * `keyof ResourceDetails` keeps every name here one Security Hub knows.
 */
const RESOURCE_TYPES: Record<string, keyof ResourceDetails> = {
  "AWS::ApiGateway::RestApi": "AwsApiGatewayRestApi",
  "AWS::ApiGateway::Stage": "AwsApiGatewayStage",
  "AWS::ApiGatewayV2::Api": "AwsApiGatewayV2Api",
  "AWS::ApiGatewayV2::Stage": "AwsApiGatewayV2Stage",
  "AWS::Athena::WorkGroup": "AwsAthenaWorkGroup",
  "AWS::CloudFormation::Stack": "AwsCloudFormationStack",
  "AWS::CloudFront::Distribution": "AwsCloudFrontDistribution",
  "AWS::CloudTrail::Trail": "AwsCloudTrailTrail",
  "AWS::DynamoDB::Table": "AwsDynamoDbTable",
  "AWS::EC2::Instance": "AwsEc2Instance",
  "AWS::EC2::SecurityGroup": "AwsEc2SecurityGroup",
  "AWS::EC2::Volume": "AwsEc2Volume",
  "AWS::EC2::VPC": "AwsEc2Vpc",
  "AWS::ECR::Repository": "AwsEcrRepository",
  "AWS::ECS::Cluster": "AwsEcsCluster",
  "AWS::ECS::Service": "AwsEcsService",
  "AWS::ECS::TaskDefinition": "AwsEcsTaskDefinition",
  "AWS::EKS::Cluster": "AwsEksCluster",
  "AWS::ElasticLoadBalancing::LoadBalancer": "AwsElbLoadBalancer",
  "AWS::ElasticLoadBalancingV2::LoadBalancer": "AwsElbv2LoadBalancer",
  "AWS::IAM::Policy": "AwsIamPolicy",
  "AWS::IAM::Role": "AwsIamRole",
  "AWS::IAM::User": "AwsIamUser",
  "AWS::Kinesis::Stream": "AwsKinesisStream",
  "AWS::KMS::Key": "AwsKmsKey",
  "AWS::Lambda::Function": "AwsLambdaFunction",
  "AWS::RDS::DBCluster": "AwsRdsDbCluster",
  "AWS::RDS::DBInstance": "AwsRdsDbInstance",
  "AWS::S3::AccountPublicAccessBlock": "AwsS3AccountPublicAccessBlock",
  "AWS::S3::Bucket": "AwsS3Bucket",
  "AWS::SecretsManager::Secret": "AwsSecretsManagerSecret",
  "AWS::SNS::Topic": "AwsSnsTopic",
  "AWS::SQS::Queue": "AwsSqsQueue",
  "AWS::StepFunctions::StateMachine": "AwsStepFunctionStateMachine",
};

export function asffResourceType(cloudFormationType: string): string {
  return Object.hasOwn(RESOURCE_TYPES, cloudFormationType) ? (RESOURCE_TYPES[cloudFormationType] as string) : "Other";
}

/**
 * "Types taxonomy for ASFF": namespace/category/classifier. Every Guardrail finding is a configuration check; a
 * policy mapped to a framework the taxonomy names gets that standard's classifier too. Framework keys are matched
 * by prefix, so a versioned key ("cis-aws-foundations-benchmark-3.0.0") finds its standard.
 */
const CONFIGURATION_CHECKS = "Software and Configuration Checks";
const STANDARDS = `${CONFIGURATION_CHECKS}/Industry and Regulatory Standards`;
const STANDARD_CLASSIFIERS: [RegExp, string][] = [
  [/^(aws-foundational-security-best-practices|fsbp)/, "AWS Foundational Security Best Practices"],
  [/^cis-aws/, "CIS AWS Foundations Benchmark"],
  [/^pci/, "PCI-DSS"],
  [/^nist-800-53/, "NIST 800-53 Controls (USA)"],
  [/^nist-csf/, "NIST CSF Controls (USA)"],
  [/^hipaa/, "HIPAA Controls (USA)"],
  [/^soc-?2/, "SOC 2"],
  [/^iso-?27001/, "ISO 27001 Controls"],
];

export function asffTypes(frameworks: Record<string, string[]> | undefined): string[] {
  const types = new Set([`${CONFIGURATION_CHECKS}/AWS Security Best Practices`]);
  for (const name of Object.keys(frameworks ?? {})) {
    const hit = STANDARD_CLASSIFIERS.find(([re]) => re.test(name.toLowerCase()));
    if (hit) types.add(`${STANDARDS}/${hit[1]}`);
  }
  // "Optional top-level ASFF attributes", Types: at most 50.
  return [...types].slice(0, 50);
}

/** "cis-aws-foundations-benchmark-3.0.0 2.1.1": at most 32 entries ("Compliance" in the ASFF attributes). */
function relatedRequirements(frameworks: Record<string, string[]> | undefined): string[] {
  const out: string[] = [];
  for (const [name, ids] of Object.entries(frameworks ?? {})) {
    if (ids.length === 0) out.push(name);
    for (const id of ids) out.push(`${name} ${id}`);
  }
  return out.slice(0, 32);
}

/** The partition of an ARN, else the one a Region belongs to (Regions "cn-*" and "us-gov-*" have their own). */
export function partitionOf(arn: string | undefined, region: string): string {
  const fromArn = arn?.startsWith("arn:") ? arn.split(":")[1] : undefined;
  if (fromArn) return fromArn;
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/**
 * The default product ARN of an account's own findings: BatchImportFindings accepts findings for the calling account
 * under `product/<account>/default` ("BatchImportFindings for finding providers"; "Required top-level ASFF
 * attributes", ProductArn).
 */
export function defaultProductArn(partition: string, region: string, account: string): string {
  return `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
}

/** The same finding for the same policy and resource, scan after scan and in the pipeline: SARIF's fingerprint. */
export function asffFindingId(e: Evaluation): string {
  return `guardrail/${e.policyId}/${sarifFingerprint(e)}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** ASFF Compliance.Status (API Reference, Compliance): NOT_AVAILABLE when the check could not decide. */
function complianceStatus(e: Evaluation): "PASSED" | "FAILED" | "NOT_AVAILABLE" {
  switch (e.compliance) {
    case "COMPLIANT":
      return "PASSED";
    case "NON_COMPLIANT":
    case "EXEMPT":
      return "FAILED";
    default:
      return "NOT_AVAILABLE";
  }
}

/**
 * One evaluation as an ASFF finding.
 *
 * - NON_COMPLIANT: Compliance FAILED, RecordState ACTIVE, Workflow NEW.
 * - EXEMPT: Compliance FAILED (an exemption is never compliance), Workflow SUPPRESSED ("Setting the workflow status
 *   of findings": reviewed, no action needed), RecordState ARCHIVED, the exemption's justification in the description.
 * - COMPLIANT (the pipeline's update of a fixed resource): Compliance PASSED, RecordState ARCHIVED, Workflow
 *   RESOLVED (taken only when the finding is new: a resource compliant from the start).
 * - NOT_APPLICABLE (deleted, left the rule's scope) and UNKNOWN (template values known only at deploy): Compliance
 *   NOT_AVAILABLE; NOT_APPLICABLE archived, UNKNOWN active (a decision is pending).
 *
 * BatchImportFindings cannot change Workflow once a finding exists ("BatchImportFindings for finding providers"),
 * so a provider's update is Compliance.Status and RecordState; Security Hub itself moves a NEW or NOTIFIED finding
 * back to NEW when Compliance.Status leaves PASSED or RecordState returns to ACTIVE. Severity and Types go in
 * FindingProviderFields too, the only place a provider may update them.
 */
export function asffFinding(e: Evaluation, policy: FindingPolicy, at: string): AwsSecurityFinding {
  const partition = partitionOf(e.arn, e.region);
  const label = SEVERITY_LABEL[e.severity] ?? "INFORMATIONAL";
  const types = asffTypes(policy.frameworks);
  const status = complianceStatus(e);
  const requirements = relatedRequirements(policy.frameworks);
  const what = e.annotation ?? (status === "PASSED" ? "compliant" : `violates ${policy.id}`);
  const exemption =
    e.compliance === "EXEMPT"
      ? ` Exempt (${e.exemption?.source ?? "exemption"}${e.exemption?.owner ? `, owner ${e.exemption.owner}` : ""}${e.exemption?.expires ? `, until ${e.exemption.expires}` : ""}): ${e.exemption?.justification ?? "no justification given"}.`
      : "";
  const description = `${e.resourceType} ${e.resourceId}: ${what}.${exemption}${policy.description ? ` ${policy.description}` : ""}`;
  const archived = e.compliance === "COMPLIANT" || e.compliance === "EXEMPT" || e.compliance === "NOT_APPLICABLE";
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffFindingId(e),
    ProductArn: defaultProductArn(partition, e.region, e.accountId),
    ProductName: "Guardrail",
    CompanyName: "Guardrail",
    GeneratorId: e.policyId,
    AwsAccountId: e.accountId,
    Types: types,
    CreatedAt: at,
    UpdatedAt: at,
    Severity: { Label: label, Original: e.severity },
    // Title at most 256 characters, Description at most 1024 (API Reference, AwsSecurityFinding).
    Title: clip(policy.title || policy.id, 256),
    Description: clip(description, 1024),
    Remediation: {
      Recommendation: {
        Text: clip(
          policy.remediation
            ? `Guardrail remediation ${policy.remediation.action}${policy.remediation.mode ? ` (mode ${policy.remediation.mode})` : ""}; see guardrail explain ${policy.id}.`
            : `Change the resource so that it satisfies policy ${policy.id}; see guardrail explain ${policy.id}.`,
          512,
        ),
      },
    },
    ProductFields: {
      "guardrail/PolicyId": e.policyId,
      "guardrail/Compliance": e.compliance,
      "guardrail/ResourceType": e.resourceType,
    },
    Resources: [
      {
        Type: asffResourceType(e.resourceType),
        Id: e.arn ?? e.resourceId,
        Partition: partition as Partition,
        Region: e.region,
      },
    ],
    Compliance: { Status: status, ...(requirements.length > 0 ? { RelatedRequirements: requirements } : {}) },
    Workflow: { Status: e.compliance === "EXEMPT" ? "SUPPRESSED" : e.compliance === "COMPLIANT" ? "RESOLVED" : "NEW" },
    RecordState: archived ? "ARCHIVED" : "ACTIVE",
    FindingProviderFields: { Severity: { Label: label, Original: e.severity }, Types: types },
  };
}

/** What makes a scan unfit for ASFF: every finding names its account and Region (a template scan must be told). */
export function asffTemplateProblem(parameters: Record<string, string>): string | undefined {
  const account = parameters["AWS::AccountId"];
  const region = parameters["AWS::Region"];
  if (account && /^\d{12}$/.test(account) && region) return undefined;
  return "--format asff of a template scan needs the account and Region its findings belong to: --parameter AWS::AccountId=123456789012 --parameter AWS::Region=eu-west-1";
}

/**
 * `--format asff`: a JSON array of findings, one per NON_COMPLIANT, EXEMPT and UNKNOWN evaluation (COMPLIANT and
 * NOT_APPLICABLE ones are left out: a scan reports violations; the deployed pipeline updates findings that get
 * fixed). An array, as Prowler writes ASFF, rather than one `{"Findings": [...]}` request: BatchImportFindings takes
 * 100 findings a call, so an import goes in slices (docs/security-hub.md). Kept and written as
 * createFindingsArrayWriter does.
 */
export function createAsffWriter(opts: ReportOptions & { now?: () => Date }): ReportWriter {
  const at = (opts.now ?? (() => new Date()))().toISOString();
  return createFindingsArrayWriter(opts.out, (e, policy) => asffFinding(e, policy, at));
}
