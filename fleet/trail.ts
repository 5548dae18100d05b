import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { trailLogKey } from "../lib/cloudtrail/layout";
import { recordIdFor, recordKey } from "../lib/remediation/worker/decide";
import type { RemediationRecord } from "../lib/remediation/worker/record";
import type { AwsCall } from "../lib/remediation/types";
import { FLEET_REGIONS, type FleetAccount } from "./model";
import { deriveSeed, Prng } from "./prng";
import { fleetAccounts, serviceName } from "./resources";
import { writeFileAtomic } from "../lib/util/atomic-file";

/**
 * A deterministic sample organisation trail for the audit's tests and bench: CloudTrail log files in the
 * organisation layout (`AWSLogs/o-…/<account>/CloudTrail/<region>/yyyy/mm/dd/*.json.gz`, keys from
 * lib/cloudtrail/layout.ts) for the sample fleet's accounts, plus the remediation records the worker would have
 * written for the changes that broke a policy (`records/account=…/region=…/date=…/<id>.json`).
 *
 * Record shapes follow CloudTrail User Guide, "CloudTrail record contents", and the recorded API Gateway CreateStage
 * (test/fixtures/aws-recorded/eventbridge-cloudtrail-apigateway-create-stage.json `detail`): compact JSON, key order as
 * CloudTrail writes it (eventVersion first), `sessionCredentialFromConsole` as the string "true", `responseElements`
 * null for read-only calls. Content: mostly read-only noise (Describe/Get/List), mutating calls by CI roles, console
 * users and CLI users, changes that break a resource policy (with their remediation records: fixed, fixed on a retry,
 * waiting for approval, notified), StopLogging, DeleteConfigRule, root use, AccessDenied / UnauthorizedOperation calls,
 * and records delivered twice in consecutive files.
 *
 * Everything comes from PRNGs derived from the seed, so the same options write the same bytes; `truth` is what
 * the generator wrote, for the tests to hold the report against.
 */

/** Bumped whenever the same options would write different bytes (caches of generated trails key on it). */
export const TRAIL_GENERATOR_VERSION = 2;

export interface TrailOptions {
  seed: number;
  outDir: string;
  /** Days of trail (date folders), from a start date derived from the seed. */
  days?: number;
  /** Approximate records per account, region and day (default 400). */
  recordsPerDay?: number;
  /** Records per log file (default 250). */
  recordsPerFile?: number;
  /** Services whose resources the calls name (default 12). */
  services?: number;
  /** Write remediation records under outDir/records (default true). */
  records?: boolean;
  onProgress?: (filesDone: number, filesTotal: number) => void;
}

export interface TrailTruth {
  files: number;
  /** Uncompressed bytes of the log files. */
  bytes: number;
  /** Distinct records (eventIDs). */
  records: number;
  /** Distinct records with readOnly false. */
  mutating: number;
  duplicates: number;
  /** Successful mutating calls on resources the pack governs. */
  governedChanges: number;
  governedChangesByAccount: Record<string, number>;
  /** Violations of CloudTrail-subject policies, by policy id. */
  policyViolations: Record<string, number>;
  /** Denied calls (AccessDenied, UnauthorizedOperation) on governed resources. */
  deniedGoverned: number;
  /** Changes that broke a resource policy (one remediation request each). */
  breaking: number;
  open: number;
  fixed: number;
  /** Time to remediate (ms) of each fixed change, by account / team / policy. */
  ttr: { byAccount: Record<string, number[]>; byTeam: Record<string, number[]>; byPolicy: Record<string, number[]> };
  remediationRecords: number;
  accounts: string[];
  regions: string[];
  firstDate: string;
  lastDate: string;
}

export interface TrailManifest {
  outDir: string;
  orgId: string;
  accounts: FleetAccount[];
  truth: TrailTruth;
}

type Rec = Record<string, unknown>;

const DAY = 86_400_000;
const CI_ROLE = "github-deploy";
const CONSOLE_ROLE = "AWSReservedSSO_AdministratorAccess_7c1f2a9d4b3e8f60";
const CLI_ROLE = "platform-admin";
const PEOPLE = ["jane.doe", "john.smith", "amara.okafor", "li.wei", "carlos.diaz"];
const UA_SDK = "aws-sdk-js/3.700.0 ua/2.1 os/linux#6.8.0 lang/js md/nodejs#20.18.0";
const UA_CLI = "aws-cli/2.22.8 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6";
const UA_CONSOLE =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";

interface Caller {
  identity: Rec;
  userAgent: string;
  sourceIPAddress: string;
  console: boolean;
}

function roleCaller(rng: Prng, account: string, role: string, session: string, kind: "ci" | "console" | "cli"): Caller {
  const roleId = `AROA${new Prng(deriveSeed(account, role)).chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 17)}`;
  return {
    identity: {
      type: "AssumedRole",
      principalId: `${roleId}:${session}`,
      arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
      accountId: account,
      accessKeyId: `ASIA${rng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}`,
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          principalId: roleId,
          arn: `arn:aws:iam::${account}:role/${kind === "console" ? "aws-reserved/sso.amazonaws.com/" : ""}${role}`,
          accountId: account,
          userName: role,
        },
        webIdFederationData: {},
        attributes: { creationDate: "2026-01-01T00:00:00Z", mfaAuthenticated: kind === "ci" ? "false" : "true" },
      },
    },
    userAgent: kind === "ci" ? UA_SDK : kind === "cli" ? UA_CLI : UA_CONSOLE,
    sourceIPAddress:
      kind === "ci" ? `20.${rng.int(1, 250)}.${rng.int(1, 250)}.${rng.int(1, 250)}` : `198.51.100.${rng.int(1, 250)}`,
    console: kind === "console",
  };
}

function rootCaller(account: string): Caller {
  return {
    identity: {
      type: "Root",
      principalId: account,
      arn: `arn:aws:iam::${account}:root`,
      accountId: account,
      accessKeyId: "",
    },
    userAgent: UA_CONSOLE,
    sourceIPAddress: "203.0.113.77",
    console: true,
  };
}

function serviceCaller(service: string): Caller {
  return {
    identity: { type: "AWSService", invokedBy: service },
    userAgent: service,
    sourceIPAddress: service,
    console: false,
  };
}

/** One record, keys in CloudTrail's order. */
function record(o: {
  rng: Prng;
  caller: Caller;
  time: number;
  source: string;
  name: string;
  region: string;
  account: string;
  request: Rec | null;
  response?: Rec | null;
  readOnly: boolean;
  eventType?: string;
  error?: { code: string; message: string };
}): Rec {
  const r: Rec = {
    eventVersion: "1.11",
    userIdentity: o.caller.identity,
    eventTime: new Date(o.time).toISOString().replace(/\.\d{3}Z$/, "Z"),
    eventSource: o.source,
    eventName: o.name,
    awsRegion: o.region,
    sourceIPAddress: o.caller.sourceIPAddress,
    userAgent: o.caller.userAgent,
  };
  if (o.error) {
    r.errorCode = o.error.code;
    r.errorMessage = o.error.message;
  }
  r.requestParameters = o.request;
  r.responseElements = o.response ?? null;
  r.requestID = o.rng.uuid();
  r.eventID = o.rng.uuid();
  r.readOnly = o.readOnly;
  r.eventType = o.eventType ?? "AwsApiCall";
  r.managementEvent = true;
  r.recipientAccountId = o.account;
  r.eventCategory = "Management";
  if (o.caller.identity.type !== "AWSService" && o.source !== "signin.amazonaws.com") {
    r.tlsDetails = {
      tlsVersion: "TLSv1.3",
      cipherSuite: "TLS_AES_128_GCM_SHA256",
      clientProvidedHostHeader: `${o.source.replace(".amazonaws.com", "")}.${o.region}.amazonaws.com`,
    };
  }
  if (o.caller.console) r.sessionCredentialFromConsole = "true";
  return r;
}

interface Names {
  svc: string;
  team: string;
  queueUrl: string;
  topicArn: string;
  bucket: string;
  fn: string;
  table: string;
  restApiId: string;
}

function names(seed: number, account: string, region: string, index: number): Names {
  const { name: svc, team } = serviceName(index);
  const rng = new Prng(deriveSeed(seed, "trail-names", account, region, index));
  return {
    svc,
    team,
    queueUrl: `https://sqs.${region}.amazonaws.com/${account}/${svc}-jobs`,
    topicArn: `arn:aws:sns:${region}:${account}:${svc}-events`,
    bucket: `${svc}-assets-${account}-${region}`,
    fn: `${svc}-api`,
    table: svc,
    restApiId: rng.alnum(10),
  };
}

/** A governed change: its call, and the resource policy a breaking variant violates. */
interface Change {
  source: string;
  name: string;
  request: Rec;
  response?: Rec;
  type: string;
  id: string;
  policyId: string;
  severity: string;
  mode: "auto" | "approve" | "notify";
  action: string;
  /** The call the policy's remediation action plans (SDK command name and input, lib/remediation/types.ts). */
  fix: AwsCall;
}

function governedChange(rng: Prng, n: Names, region: string, account: string, breaking: boolean): Change {
  switch (rng.int(0, 5)) {
    case 0:
      return {
        source: "sqs.amazonaws.com",
        name: "SetQueueAttributes",
        request: {
          queueUrl: n.queueUrl,
          attributes: breaking ? { SqsManagedSseEnabled: "false" } : { VisibilityTimeout: String(rng.int(30, 300)) },
        },
        type: "AWS::SQS::Queue",
        id: n.queueUrl,
        policyId: "sqs-queue-encrypted",
        severity: "medium",
        mode: "auto",
        action: "sqs-enable-sse",
        fix: { service: "sqs", operation: "SetQueueAttributes", input: { QueueUrl: n.queueUrl, Attributes: { SqsManagedSseEnabled: "true" } } }, // prettier-ignore
      };
    case 1:
      return {
        source: "sns.amazonaws.com",
        name: "SetTopicAttributes",
        request: breaking
          ? { topicArn: n.topicArn, attributeName: "KmsMasterKeyId", attributeValue: "" }
          : { topicArn: n.topicArn, attributeName: "DisplayName", attributeValue: n.svc },
        type: "AWS::SNS::Topic",
        id: n.topicArn,
        policyId: "sns-topic-encrypted-kms",
        severity: "medium",
        mode: "approve",
        action: "sns-enable-kms",
        fix: { service: "sns", operation: "SetTopicAttributes", input: { TopicArn: n.topicArn, AttributeName: "KmsMasterKeyId", AttributeValue: "alias/aws/sns" } }, // prettier-ignore
      };
    case 2:
      return {
        source: "s3.amazonaws.com",
        name: "PutBucketVersioning",
        request: {
          bucketName: n.bucket,
          Host: `${n.bucket}.s3.${region}.amazonaws.com`,
          versioning: "",
          VersioningConfiguration: {
            Status: breaking ? "Suspended" : "Enabled",
            xmlns: "http://s3.amazonaws.com/doc/2006-03-01/",
          },
        },
        type: "AWS::S3::Bucket",
        id: n.bucket,
        policyId: "s3-bucket-versioning",
        severity: "medium",
        mode: "approve",
        action: "s3-versioning",
        fix: { service: "s3", operation: "PutBucketVersioning", input: { Bucket: n.bucket, VersioningConfiguration: { Status: "Enabled" } } }, // prettier-ignore
      };
    case 3:
      return {
        source: "lambda.amazonaws.com",
        name: "UpdateFunctionConfiguration20150331v2",
        request: breaking
          ? { functionName: n.fn, tracingConfig: { mode: "PassThrough" } }
          : { functionName: n.fn, timeout: rng.int(3, 30) },
        response: {
          functionName: n.fn,
          functionArn: `arn:aws:lambda:${region}:${account}:function:${n.fn}`,
          runtime: "nodejs20.x",
          tracingConfig: { mode: breaking ? "PassThrough" : "Active" },
        },
        type: "AWS::Lambda::Function",
        id: n.fn,
        policyId: "lambda-function-xray-tracing",
        severity: "low",
        mode: "auto",
        action: "lambda-enable-tracing",
        fix: { service: "lambda", operation: "UpdateFunctionConfiguration", input: { FunctionName: n.fn, TracingConfig: { Mode: "Active" } } }, // prettier-ignore
      };
    case 4:
      return {
        source: "dynamodb.amazonaws.com",
        name: "UpdateContinuousBackups",
        request: { tableName: n.table, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: !breaking } },
        type: "AWS::DynamoDB::Table",
        id: n.table,
        policyId: "dynamodb-table-pitr",
        severity: "medium",
        mode: "auto",
        action: "dynamodb-enable-pitr",
        fix: { service: "dynamodb", operation: "UpdateContinuousBackups", input: { TableName: n.table, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } } }, // prettier-ignore
      };
    default:
      return {
        source: "apigateway.amazonaws.com",
        name: "UpdateStage",
        request: { restApiId: n.restApiId, stageName: "prod", template: false },
        response: { stageName: "prod", deploymentId: "r2pi2v", tracingEnabled: !breaking, cacheClusterEnabled: false },
        type: "AWS::ApiGateway::Stage",
        id: `arn:aws:apigateway:${region}::/restapis/${n.restApiId}/stages/prod`,
        policyId: "apigateway-stage-xray-tracing",
        severity: "low",
        mode: "auto",
        action: "apigateway-enable-tracing",
        fix: { service: "apigateway", operation: "UpdateStage", input: { restApiId: n.restApiId, stageName: "prod", patchOperations: [{ op: "replace", path: "/tracingEnabled", value: "true" }] } }, // prettier-ignore
      };
  }
}

const READ_CALLS: readonly [source: string, name: string, req: (n: Names, region: string) => Rec | null][] = [
  ["ec2.amazonaws.com", "DescribeInstances", () => ({ instancesSet: {}, filterSet: {} })],
  ["sqs.amazonaws.com", "GetQueueAttributes", (n) => ({ queueUrl: n.queueUrl, attributeNames: ["All"] })],
  ["sns.amazonaws.com", "GetTopicAttributes", (n) => ({ topicArn: n.topicArn })],
  ["s3.amazonaws.com", "GetBucketEncryption", (n, r) => ({ bucketName: n.bucket, Host: `${n.bucket}.s3.${r}.amazonaws.com`, encryption: "" })],
  ["lambda.amazonaws.com", "GetFunction20150331v2", (n) => ({ functionName: n.fn })],
  ["dynamodb.amazonaws.com", "DescribeTable", (n) => ({ tableName: n.table })],
  ["apigateway.amazonaws.com", "GetStage", (n) => ({ restApiId: n.restApiId, stageName: "prod", template: false })],
  ["kms.amazonaws.com", "Decrypt", () => ({ encryptionAlgorithm: "SYMMETRIC_DEFAULT" })],
  ["sts.amazonaws.com", "GetCallerIdentity", () => null],
  ["iam.amazonaws.com", "ListRoles", () => ({ maxItems: 100 })],
  ["cloudtrail.amazonaws.com", "LookupEvents", () => ({ maxResults: 50 })],
  ["config.amazonaws.com", "DescribeConfigRules", () => null],
]; // prettier-ignore

interface Pending {
  text: string;
  time: number;
}

/** Writes the trail and records; returns what was written. */
export async function generateTrail(opts: TrailOptions): Promise<TrailManifest> {
  const { seed, outDir } = opts;
  const days = opts.days ?? 3;
  const perDay = opts.recordsPerDay ?? 400;
  const perFile = opts.recordsPerFile ?? 250;
  const services = opts.services ?? 12;
  const accounts = fleetAccounts(seed);
  const orgRng = new Prng(deriveSeed(seed, "org"));
  const orgId = `o-${orgRng.alnum(10)}`;
  const start = Date.UTC(2026, 0, 1) + orgRng.int(0, 300) * DAY;
  const truth: TrailTruth = {
    files: 0,
    bytes: 0,
    records: 0,
    mutating: 0,
    duplicates: 0,
    governedChanges: 0,
    governedChangesByAccount: {},
    policyViolations: {},
    deniedGoverned: 0,
    breaking: 0,
    open: 0,
    fixed: 0,
    ttr: { byAccount: {}, byTeam: {}, byPolicy: {} },
    remediationRecords: 0,
    accounts: accounts.map((a) => a.id).sort(),
    regions: [...FLEET_REGIONS].sort(),
    firstDate: new Date(start).toISOString().slice(0, 10),
    lastDate: new Date(start + (days - 1) * DAY).toISOString().slice(0, 10),
  };
  const violation = (id: string) => (truth.policyViolations[id] = (truth.policyViolations[id] ?? 0) + 1);
  const push = (m: Record<string, number[]>, k: string, v: number) => (m[k] ??= []).push(v);
  const remediation: RemediationRecord[] = [];
  const filesTotal = accounts.length * FLEET_REGIONS.length * days * Math.ceil(perDay / perFile);
  let filesDone = 0;

  for (let d = 0; d < days; d++) {
    for (const account of accounts) {
      for (const region of FLEET_REGIONS) {
        const rng = new Prng(deriveSeed(seed, "trail", account.id, region, d));
        const dayStart = start + d * DAY;
        const events: Pending[] = [];
        const ci = (i: number) => roleCaller(rng, account.id, CI_ROLE, `GitHubActions-${i}`, "ci");
        const person = () => rng.pick(PEOPLE);
        for (let i = 0; i < perDay; i++) {
          const time = dayStart + rng.int(0, DAY - 3_600_000);
          const n = names(seed, account.id, region, rng.int(0, services - 1));
          const roll = rng.next();
          let r: Rec;
          if (roll < 0.86) {
            const [source, name, req] = rng.pick(READ_CALLS);
            const caller =
              rng.next() < 0.5
                ? ci(rng.int(1, 40))
                : rng.next() < 0.5
                  ? serviceCaller("config.amazonaws.com")
                  : roleCaller(rng, account.id, CONSOLE_ROLE, person(), "console");
            r = record({
              rng,
              caller,
              time,
              source,
              name,
              region,
              account: account.id,
              request: req(n, region),
              readOnly: true,
            });
          } else if (roll < 0.89) {
            // Mutating, not on a governed resource type: CloudWatch Logs streams created by Lambda.
            r = record({
              rng,
              caller: serviceCaller("lambda.amazonaws.com"),
              time,
              source: "logs.amazonaws.com",
              name: "CreateLogStream",
              region,
              account: account.id,
              request: { logGroupName: `/aws/lambda/${n.fn}`, logStreamName: `2026/01/01/[$LATEST]${rng.hex(32)}` },
              readOnly: false,
            });
            truth.mutating++;
          } else if (roll < 0.985) {
            const breaking = rng.next() < 0.15;
            const kind = rng.next();
            const caller =
              kind < 0.7
                ? ci(rng.int(1, 40))
                : kind < 0.85
                  ? roleCaller(rng, account.id, CONSOLE_ROLE, person(), "console")
                  : roleCaller(rng, account.id, CLI_ROLE, person(), "cli");
            const c = governedChange(rng, n, region, account.id, breaking);
            r = record({
              rng,
              caller,
              time,
              source: c.source,
              name: c.name,
              region,
              account: account.id,
              request: c.request,
              response: c.response ?? null,
              readOnly: false,
            });
            truth.mutating++;
            truth.governedChanges++;
            truth.governedChangesByAccount[account.id] = (truth.governedChangesByAccount[account.id] ?? 0) + 1;
            if (caller.console && c.source === "apigateway.amazonaws.com")
              violation("apigateway-no-console-changes-in-production");
            if (breaking) {
              const out = remediationFor(rng, r, c, n, account, region);
              remediation.push(...out.records);
              truth.breaking++;
              if (out.open) truth.open++;
              if (out.ttrMs !== undefined) {
                truth.fixed++;
                push(truth.ttr.byAccount, account.id, out.ttrMs);
                push(truth.ttr.byTeam, n.team, out.ttrMs);
                push(truth.ttr.byPolicy, c.policyId, out.ttrMs);
              }
            }
          } else if (roll < 0.993) {
            // Denied: a governed change refused, or an EC2 call refused (EC2 is not governed by the pack).
            const governed = rng.next() < 0.6;
            const caller = roleCaller(rng, account.id, CLI_ROLE, person(), "cli");
            if (governed) {
              const c = governedChange(rng, n, region, account.id, false);
              r = record({
                rng, caller, time, source: c.source, name: c.name, region, account: account.id, request: c.request,
                readOnly: false,
                error: { code: "AccessDenied", message: `User: ${String(caller.identity.arn)} is not authorized to perform: ${c.source.split(".")[0]}:${c.name.replace(/\d{8}(v\d+)?$/, "")}` },
              }); // prettier-ignore
              truth.deniedGoverned++;
            } else {
              r = record({
                rng, caller, time, source: "ec2.amazonaws.com", name: "ModifyInstanceAttribute", region,
                account: account.id, request: { instanceId: `i-${rng.hex(17)}`, disableApiTermination: { value: false } },
                readOnly: false,
                error: { code: "Client.UnauthorizedOperation", message: "You are not authorized to perform this operation." },
              }); // prettier-ignore
            }
            truth.mutating++;
          } else {
            // Rare and serious: root use (a sign-in, or a read-only call), StopLogging, DeleteConfigRule.
            const which = rng.int(0, 3);
            if (which === 0) {
              r = record({
                rng, caller: rootCaller(account.id), time, source: "signin.amazonaws.com", name: "ConsoleLogin",
                region: "us-east-1", account: account.id, request: null, response: { ConsoleLogin: "Success" },
                readOnly: false, eventType: "AwsConsoleSignIn",
              }); // prettier-ignore
              r.awsRegion = region;
              delete r.sessionCredentialFromConsole;
              r.additionalEventData = {
                LoginTo: "https://console.aws.amazon.com/console/home",
                MobileVersion: "No",
                MFAUsed: "Yes",
              };
              truth.mutating++;
              violation("iam-root-account-use");
            } else if (which === 1) {
              r = record({
                rng, caller: rootCaller(account.id), time, source: "s3.amazonaws.com", name: "ListBuckets",
                region, account: account.id, request: { Host: `s3.${region}.amazonaws.com` }, readOnly: true,
              }); // prettier-ignore
              violation("iam-root-account-use");
            } else if (which === 2) {
              const c = roleCaller(rng, account.id, CLI_ROLE, person(), "cli");
              r = record({
                rng, caller: c, time, source: "cloudtrail.amazonaws.com", name: "StopLogging", region,
                account: account.id, request: { name: `arn:aws:cloudtrail:${region}:${account.id}:trail/management-events` },
                readOnly: false,
              }); // prettier-ignore
              truth.mutating++;
              // The trail is a governed resource (AWS::CloudTrail::Trail): the call is a governed change too.
              truth.governedChanges++;
              truth.governedChangesByAccount[account.id] = (truth.governedChangesByAccount[account.id] ?? 0) + 1;
              violation("cloudtrail-no-stop-logging");
            } else {
              const c = roleCaller(rng, account.id, CONSOLE_ROLE, person(), "console");
              r = record({
                rng, caller: c, time, source: "config.amazonaws.com", name: "DeleteConfigRule", region,
                account: account.id, request: { configRuleName: "guardrail-s3-bucket-versioning" }, readOnly: false,
              }); // prettier-ignore
              truth.mutating++;
              violation("config-no-recorder-tampering");
            }
          }
          truth.records++;
          events.push({ text: JSON.stringify(r), time });
        }
        // Files: records in delivery order (a few minutes late), not sorted inside a file.
        events.sort((a, b) => a.time - b.time);
        const nFiles = Math.ceil(events.length / perFile);
        for (let f = 0; f < nFiles; f++) {
          const chunk = events.slice(f * perFile, (f + 1) * perFile);
          const texts = chunk.map((e) => e.text);
          for (let i = texts.length - 1; i > 0; i--) {
            const j = rng.int(0, i);
            [texts[i], texts[j]] = [texts[j] as string, texts[i] as string];
          }
          // Duplicate deliveries: a few records of the previous file again.
          if (f > 0) {
            const prev = events.slice((f - 1) * perFile, f * perFile);
            const dups = rng.int(0, 2);
            for (let k = 0; k < dups; k++) texts.push(rng.pick(prev).text);
            truth.duplicates += dups;
          }
          const last = chunk[chunk.length - 1] as Pending;
          const deliveredAt = new Date(Math.min(last.time + rng.int(60, 600) * 1000, dayStart + DAY - 60_000));
          const key = trailLogKey({ orgId, accountId: account.id, region, deliveredAt, unique: rng.chars(UNIQUE, 16) });
          const body = Buffer.from(`{"Records":[${texts.join(",")}]}`);
          truth.bytes += body.length;
          truth.files++;
          const path = join(outDir, key);
          await mkdir(dirname(path), { recursive: true });
          await writeFileAtomic(path, gzipSync(body));
          opts.onProgress?.(++filesDone, filesTotal);
        }
      }
    }
  }
  if (opts.records !== false) {
    for (const rec of remediation) {
      const path = join(outDir, recordKey(rec.recordId));
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, JSON.stringify(rec, null, 2));
    }
  }
  truth.remediationRecords = remediation.length;
  return { outDir, orgId, accounts, truth };
}

const UNIQUE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * The records the remediation worker writes for one breaking change: fixed (70%), failed then fixed on the
 * redelivery (10%), waiting for approval (10%), notified (10%).
 */
function remediationFor(
  rng: Prng,
  change: Rec,
  c: Change,
  n: Names,
  account: FleetAccount,
  region: string,
): { records: RemediationRecord[]; open: boolean; ttrMs?: number } {
  const changedAt = Date.parse(String(change.eventTime));
  const detectedAt = changedAt + rng.int(20, 120) * 1000;
  const fate = rng.next();
  const identity = change.userIdentity as Rec;
  const principal = String(identity.arn);
  const cause = {
    eventName: String(change.eventName),
    eventTime: String(change.eventTime),
    principal,
    sourceIPAddress: String(change.sourceIPAddress),
    console: change.sessionCredentialFromConsole === "true",
  };
  const ref = { type: c.type, id: c.id, region, accountId: account.id };
  const tags = { team: n.team, service: n.svc, environment: account.environment };
  const resource = () => ({
    type: c.type,
    id: c.id,
    name: c.id.split(/[/:]/).pop() ?? c.id,
    accountId: account.id,
    region,
    tags,
    deleted: false,
    // The audit reads only the identity and tags; the adapter's document is not rebuilt here.
    document: { tags },
  });
  const mode = fate < 0.8 ? "auto" : fate < 0.9 ? "approve" : "notify";
  const request = {
    version: 1,
    correlationId: String(change.eventID),
    policyId: c.policyId,
    mode,
    resource: ref,
    evaluation: { compliance: "NON_COMPLIANT", annotation: `${c.policyId}: violated by ${cause.eventName}` },
    cause,
    detectedAt: new Date(detectedAt).toISOString(),
  };
  const make = (attempt: number, startedAt: number, outcome: RemediationRecord["outcome"]): RemediationRecord => {
    const fixed = outcome === "fixed";
    const executed = fixed || outcome === "fix-failed";
    const finishedAt = startedAt + rng.int(2, 600) * 1000;
    const plan: AwsCall[] = [c.fix];
    const status = (
      {
        fixed: "succeeded",
        "fix-failed": "failed",
        "awaiting-approval": "awaiting-approval",
        notified: "notified",
      } as const
    )[outcome as "fixed" | "fix-failed" | "awaiting-approval" | "notified"];
    return {
      recordVersion: 1,
      recordId: recordIdFor({
        startedAt: new Date(startedAt),
        resource: ref,
        idempotencyKey: `${c.policyId}|${c.id}`,
        correlationId: String(change.eventID),
        receiveCount: attempt,
      }),
      correlationId: String(change.eventID),
      request,
      policy: { id: c.policyId, title: c.policyId, severity: c.severity as "low", mode, requestedMode: c.mode },
      before: resource(),
      evaluation: { compliance: "NON_COMPLIANT", annotation: request.evaluation.annotation },
      plan,
      results: executed
        ? [
            fixed
              ? { call: c.fix, status: "done", requestId: rng.uuid(), output: {}, durationMs: rng.int(80, 900) }
              : { call: c.fix, status: "failed", error: { name: "ThrottlingException", message: "Rate exceeded", httpStatusCode: 400, fault: "client" }, durationMs: rng.int(80, 900) }, // prettier-ignore
          ]
        : [],
      after: fixed ? resource() : null,
      verification: fixed
        ? { compliance: "COMPLIANT", attempts: 1, verifiedAt: new Date(finishedAt).toISOString() }
        : null,
      outcome,
      status,
      reason: fixed ? "fixed and verified" : outcome === "fix-failed" ? "the call was throttled" : `mode ${mode}`,
      principal,
      cause,
      delivery: { messageId: rng.uuid(), receiveCount: attempt },
      timings: {
        detectedAt: new Date(detectedAt).toISOString(),
        changedAt: String(change.eventTime),
        startedAt: new Date(startedAt).toISOString(),
        finishedAt: new Date(finishedAt).toISOString(),
        ...(fixed ? { changeToVerifiedFixMs: finishedAt - changedAt } : {}),
      },
    };
  };
  const firstStart = detectedAt + rng.int(1, 10) * 1000;
  if (fate < 0.7) {
    const r = make(1, firstStart, "fixed");
    return { records: [r], open: false, ttrMs: r.timings.changeToVerifiedFixMs as number };
  }
  if (fate < 0.8) {
    const failed = make(1, firstStart, "fix-failed");
    const retry = make(2, Date.parse(failed.timings.finishedAt) + 30_000, "fixed");
    return { records: [failed, retry], open: false, ttrMs: retry.timings.changeToVerifiedFixMs as number };
  }
  return { records: [make(1, firstStart, fate < 0.9 ? "awaiting-approval" : "notified")], open: true };
}
