import { createHash } from "node:crypto";
import type { Principal } from "./contract";

/**
 * Who calls the local account: the principals a scripted day uses, each as CloudTrail writes its `userIdentity`
 * (CloudTrail User Guide, "CloudTrail userIdentity element"). The assumed-role shape is the recorded one
 * (test/fixtures/aws-recorded/eventbridge-cloudtrail-apigateway-create-stage.json): an
 * `arn:aws:sts::<acct>:assumed-role/<role>/<session>` ARN, a principalId of `<role id>:<session>`, an ASIA access key,
 * and the role as sessionContext.sessionIssuer. Ids are fixed per account so that records are reproducible; they have
 * AWS's prefixes (AROA role ids, ASIA temporary keys, AIDA user ids, AKIA user keys).
 */

const SESSION_CREATED = "2026-01-01T00:00:00Z";

/** Tokens made so far: a handful of principals make every call of a run, each asks for its ids on every call. */
const tokens = new Map<string, string>();

/** A stable upper-case token of `n` characters (base32 of a hash) from a text: ids must not change between runs. */
function token(text: string, n: number): string {
  const key = `${n}:${text}`;
  const known = tokens.get(key);
  if (known !== undefined) return known;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bytes = createHash("sha256").update(text).digest();
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[(bytes[i] as number) % alphabet.length];
  if (tokens.size < 10_000) tokens.set(key, out);
  return out;
}

export interface AssumedRoleOptions {
  accountId: string;
  roleName: string;
  sessionName: string;
  /** A role path, e.g. "/service-role/" (default "/"). */
  path?: string;
  sourceIPAddress: string;
  userAgent: string;
  console?: boolean;
  mfa?: boolean;
}

/** A role session (AssumedRole), as a Lambda function's role, a CI job or an SSO console session appears. */
export function assumedRole(o: AssumedRoleOptions): Principal {
  const roleId = `AROA${token(`${o.accountId}/${o.roleName}`, 17)}`;
  const path = o.path ?? "/";
  return {
    userIdentity: {
      type: "AssumedRole",
      principalId: `${roleId}:${o.sessionName}`,
      arn: `arn:aws:sts::${o.accountId}:assumed-role/${o.roleName}/${o.sessionName}`,
      accountId: o.accountId,
      accessKeyId: `ASIA${token(`${o.accountId}/${o.roleName}/${o.sessionName}`, 16)}`,
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          principalId: roleId,
          arn: `arn:aws:iam::${o.accountId}:role${path}${o.roleName}`,
          accountId: o.accountId,
          userName: o.roleName,
        },
        webIdFederationData: {},
        attributes: { creationDate: SESSION_CREATED, mfaAuthenticated: o.mfa ? "true" : "false" },
      },
    },
    sourceIPAddress: o.sourceIPAddress,
    userAgent: o.userAgent,
    ...(o.console ? { sessionCredentialFromConsole: "true" as const } : {}),
  };
}

/** SDK user agent of the Node.js Lambda functions (what the SDK sends; CloudTrail keeps up to 1 KB of it). */
const SDK_USER_AGENT =
  "aws-sdk-js/3.1124.0 ua/2.1 os/linux lang/js md/nodejs#20.19.0 api/guardrail exec-env/AWS_Lambda_nodejs20.x";
const CONSOLE_USER_AGENT =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/**
 * Guardrail's remediation worker: the Lambda function's role session, as serverless.yml deploys it (stack
 * `guardrail-<stage>`): the role is RemediationWorkerRole with the name CloudFormation generates
 * (`<stack>-<logical id>-<suffix>`, no RoleName in deploy/iam.js), and Lambda names the session after the function.
 */
export function guardrailRole(accountId: string, stage = "dev"): Principal {
  // The same object for the same account (every call of a run asks for it); callers read it, never change it.
  const key = `${accountId}/${stage}`;
  let role = guardrailRoles.get(key);
  if (!role) {
    role = assumedRole({
      accountId,
      roleName: `guardrail-${stage}-RemediationWorkerRole-${token(`${accountId}/${stage}/remediation`, 12)}`,
      sessionName: `guardrail-${stage}-remediationWorker`,
      sourceIPAddress: "3.248.0.10",
      userAgent: SDK_USER_AGENT,
    });
    if (guardrailRoles.size < 10_000) guardrailRoles.set(key, role);
  }
  return role;
}

const guardrailRoles = new Map<string, Principal>();

/** A CI pipeline deploying a service (GitHub Actions through OIDC, the usual web-identity role session). */
export function ciDeployRole(accountId: string): Principal {
  return assumedRole({
    accountId,
    roleName: "ci-deploy",
    sessionName: "GitHubActions",
    sourceIPAddress: "140.82.112.21",
    userAgent:
      "aws-cli/2.22.0 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.8 exec-env/GitHubActions",
  });
}

/** An engineer in the console through IAM Identity Center: sessionCredentialFromConsole "true". */
export function consoleUser(accountId: string, userName = "jane.doe@example.com"): Principal {
  return assumedRole({
    accountId,
    roleName: "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
    path: "/aws-reserved/sso.amazonaws.com/",
    sessionName: userName,
    sourceIPAddress: "198.51.100.24",
    userAgent: CONSOLE_USER_AGENT,
    console: true,
    mfa: true,
  });
}

/** An IAM user with long-term keys (a legacy script). */
export function iamUser(accountId: string, userName: string): Principal {
  return {
    userIdentity: {
      type: "IAMUser",
      principalId: `AIDA${token(`${accountId}/${userName}`, 17)}`,
      arn: `arn:aws:iam::${accountId}:user/${userName}`,
      accountId,
      accessKeyId: `AKIA${token(`${accountId}/${userName}/key`, 16)}`,
      userName,
    },
    sourceIPAddress: "203.0.113.50",
    userAgent: "aws-cli/2.22.0 md/awscrt#0.23.4 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.8",
  };
}

/** The account's root user signed in to the console. */
export function rootUser(accountId: string): Principal {
  return {
    userIdentity: {
      type: "Root",
      principalId: accountId,
      arn: `arn:aws:iam::${accountId}:root`,
      accountId,
      accessKeyId: `ASIA${token(`${accountId}/root`, 16)}`,
      sessionContext: { attributes: { creationDate: SESSION_CREATED, mfaAuthenticated: "true" } },
    },
    sourceIPAddress: "198.51.100.77",
    userAgent: CONSOLE_USER_AGENT,
    sessionCredentialFromConsole: "true",
  };
}

/** The catalogue for one account, for scenario files that name principals by key. */
export function principalCatalogue(accountId: string): Record<PrincipalName, Principal> {
  return {
    guardrail: guardrailRole(accountId),
    "ci-deploy": ciDeployRole(accountId),
    console: consoleUser(accountId),
    root: rootUser(accountId),
  };
}

export type PrincipalName = "guardrail" | "ci-deploy" | "console" | "root";
export const PRINCIPAL_NAMES: readonly PrincipalName[] = ["guardrail", "ci-deploy", "console", "root"];
