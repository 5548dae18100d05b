import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  type GetRolePolicyResponse,
  type GetRoleResponse,
  type ListAttachedRolePoliciesResponse,
} from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import * as clients from "../../lib/aws/clients";
import { describeResource } from "../../lib/resources/describe";
import { Engine } from "../../lib/engine/evaluate";
import { loadPolicies } from "../../lib/policy/load";
import { resourceFromConfigItem, type ResourceRef } from "../../lib/resources/adapter";
import { toConfigItem } from "../../lib/resources/config-item";
import { resourceIdentities } from "../../lib/resources/registry";
import { REFERENCES } from "../../lib/resources/references";
import { adapter, rolePolicyDocument, urlDecodedPolicyText } from "../../lib/resources/types/aws-iam-role";
import { roleNameOf } from "../../lib/resources/types/aws-iam-role.describe";
import type { JsonObject } from "../../lib/util/json";
import { docOf, expectSchemaValid, templateDoc, trail } from "../helpers/adapter-sources";
import { recorded } from "../helpers/recorded";

/*
 * AWS::IAM::Role's four sources hold one document. Config shapes: a recorded SelectResourceConfig item
 * (test/fixtures/aws-recorded/config-select-resource-config-iam-role.json) and the Config resource schema
 * (awslabs/aws-config-resource-schema AWS::IAM::Role.properties.json): awsRegion `global`, resourceId the role id,
 * policy documents URL-encoded, tags a list of {key, value}. SDK shapes: IAM API Reference GetRole (Role),
 * GetRolePolicy, ListAttachedRolePolicies (documents URL-encoded there too). Template: the CloudFormation reference,
 * AWS::IAM::Role and AWS::IAM::RolePolicy. CloudTrail: IAM User Guide, "Logging IAM and AWS STS API calls with AWS
 * CloudTrail" (requestParameters.roleName; CreateRole's responseElements.role).
 */

const ACCT = "111122223333";
const ROLE_ID = "AROA3XFRBF23ZT4K6RW1P";
const ARN = `arn:aws:iam::${ACCT}:role/deploy/orders-deployer`;
const enc = (d: unknown) => encodeURIComponent(JSON.stringify(d));

const TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
};
const LOGS = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "arn:aws:logs:*:*:*" },
  ],
};
const ADMIN = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } };
const BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const BOUNDARY = `arn:aws:iam::${ACCT}:policy/workload-boundary`;

function configItem(configuration: JsonObject): JsonObject {
  return {
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: "2026-11-02T13:27:10.661Z",
    configurationStateId: 1793626030661,
    awsAccountId: ACCT,
    configurationItemStatus: "OK",
    resourceType: "AWS::IAM::Role",
    resourceId: ROLE_ID,
    resourceName: "orders-deployer",
    ARN,
    awsRegion: "global",
    availabilityZone: "Not Applicable",
    configurationStateMd5Hash: "",
    relatedEvents: [],
    relationships: [],
    configuration,
    supplementaryConfiguration: {},
    tags: { team: "orders" },
  };
}

/** The same item as GetResourceConfigHistory returns it: `configuration` as a JSON string, `arn`, `accountId`. */
function apiNaming(item: JsonObject): JsonObject {
  const {
    ARN: arn,
    awsAccountId,
    configurationItemVersion,
    configurationStateMd5Hash: _m,
    configuration,
    ...rest
  } = item;
  return {
    ...rest,
    version: configurationItemVersion,
    accountId: awsAccountId,
    arn,
    configurationStateId: String(rest.configurationStateId),
    configuration: JSON.stringify(configuration),
    recordingFrequency: "CONTINUOUS",
  };
}

const configuration: JsonObject = {
  path: "/deploy/",
  roleName: "orders-deployer",
  roleId: ROLE_ID,
  arn: ARN,
  createDate: "2025-03-14T09:12:44.000Z",
  assumeRolePolicyDocument: enc(TRUST),
  instanceProfileList: [],
  // Config's order is not the describe's: the document sorts both lists by name.
  rolePolicyList: [
    { policyName: "logs", policyDocument: enc(LOGS) },
    { policyName: "admin", policyDocument: enc(ADMIN) },
  ],
  attachedManagedPolicies: [{ policyArn: BASIC, policyName: "AWSLambdaBasicExecutionRole" }],
  permissionsBoundary: { permissionsBoundaryArn: BOUNDARY, permissionsBoundaryType: "PermissionsBoundaryPolicy" },
  tags: [{ key: "team", value: "orders" }],
};
const item = configItem(configuration);

const expected = {
  roleName: "orders-deployer",
  roleId: ROLE_ID,
  arn: ARN,
  path: "/deploy/",
  assumeRolePolicyDocument: {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole"] }],
  },
  rolePolicyList: [
    {
      policyName: "admin",
      policyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] },
    },
    {
      policyName: "logs",
      policyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: ["arn:aws:logs:*:*:*"],
          },
        ],
      },
    },
  ],
  attachedManagedPolicies: [{ policyArn: BASIC, policyName: "AWSLambdaBasicExecutionRole" }],
  permissionsBoundary: { permissionsBoundaryArn: BOUNDARY, permissionsBoundaryType: "PermissionsBoundaryPolicy" },
  tags: { team: "orders" },
};

const ref: ResourceRef = { type: "AWS::IAM::Role", id: ROLE_ID, region: "global", accountId: ACCT, arn: ARN };

/** GetRole, GetRolePolicy and ListAttachedRolePolicies as the SDK gives them (dates as Date, documents URL-encoded). */
const getRole: GetRoleResponse = {
  Role: {
    Path: "/deploy/",
    RoleName: "orders-deployer",
    RoleId: ROLE_ID,
    Arn: ARN,
    CreateDate: new Date("2025-03-14T09:12:44Z"),
    AssumeRolePolicyDocument: enc(TRUST),
    MaxSessionDuration: 3600,
    PermissionsBoundary: { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: BOUNDARY },
    Tags: [{ Key: "team", Value: "orders" }],
    RoleLastUsed: {},
  },
};
const inline: GetRolePolicyResponse[] = [
  { RoleName: "orders-deployer", PolicyName: "admin", PolicyDocument: enc(ADMIN) },
  { RoleName: "orders-deployer", PolicyName: "logs", PolicyDocument: enc(LOGS) },
];
const attached: ListAttachedRolePoliciesResponse = {
  AttachedPolicies: [{ PolicyName: "AWSLambdaBasicExecutionRole", PolicyArn: BASIC }],
  IsTruncated: false,
};

describe("AWS::IAM::Role sources", () => {
  const fromConfig = docOf(adapter, item);

  it("is a type with an adapter, no longer a reference only", () => {
    expect(REFERENCES.map((r) => r.type)).not.toContain("AWS::IAM::Role");
    // byType refuses a type listed twice, so building the identities shows the reference is gone.
    expect(resourceIdentities().get("AWS::IAM::Role")).toHaveProperty("documentSchema");
    expect(resourceIdentities().get("AWS::IAM::Role")?.cloudFormation?.arnAttributes).toEqual(["Arn"]);
  });

  it("reads the recorded Config item: role id, decoded trust policy, tags as a list", () => {
    const select = recorded<{ data: { Results: string[] } }>("config-select-resource-config-iam-role.json");
    const raw = JSON.parse(select.data.Results[0] as string) as JsonObject;
    const recordedItem = toConfigItem({
      ...raw,
      resourceType: "AWS::IAM::Role",
      awsRegion: "global",
      accountId: "644160558196",
    });
    expect(adapter.resourceIdPattern?.test(recordedItem.resourceId)).toBe(true);
    const doc = adapter.fromConfigItem(recordedItem);
    expect(doc).toEqual({
      roleName: "custodian-testing",
      roleId: "AROAY5Y4D45RMKKKBXNQ3",
      arn: "arn:aws:iam::644160558196:role/custodian-testing",
      path: "/",
      assumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole"] }],
      },
      rolePolicyList: [],
      attachedManagedPolicies: [{ policyArn: "arn:aws:iam::644160558196:policy/DeleteMe", policyName: "DeleteMe" }],
      tags: {},
    });
    expectSchemaValid(adapter, doc);
  });

  it("holds one document across Config (both namings), a describe and a template", () => {
    expect(fromConfig).toEqual(expected);
    expectSchemaValid(adapter, fromConfig);
    expect(docOf(adapter, apiNaming(item))).toEqual(fromConfig);
    // The same item with the documents as objects (some recordings carry them parsed).
    const parsed = {
      ...configuration,
      assumeRolePolicyDocument: TRUST,
      rolePolicyList: [
        { policyName: "admin", policyDocument: ADMIN },
        { policyName: "logs", policyDocument: LOGS },
      ],
    };
    expect(docOf(adapter, configItem(parsed))).toEqual(fromConfig);
    expect(
      adapter.fromDescribe?.({ ref, GetRole: getRole, GetRolePolicy: inline, ListAttachedRolePolicies: attached }),
    ).toEqual(fromConfig);
    // A reference made from a CloudTrail record: the role's name as id, no ARN.
    expect(
      adapter.fromDescribe?.({
        ref: { type: "AWS::IAM::Role", id: "orders-deployer", region: "us-east-1", accountId: ACCT },
        GetRole: getRole,
        GetRolePolicy: [...inline].reverse(),
        ListAttachedRolePolicies: attached,
      }),
    ).toEqual(fromConfig);
    const doc = templateDoc(
      adapter,
      `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: orders-deployer
      Path: /deploy/
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: logs
          PolicyDocument: '${JSON.stringify(LOGS)}'
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]
      PermissionsBoundary: !Sub "arn:\${AWS::Partition}:iam::${ACCT}:policy/workload-boundary"
      MaxSessionDuration: 3600
      Tags: [{ Key: team, Value: orders }]
  Admin:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: !Ref Role
      PolicyName: admin
      PolicyDocument: { Version: "2012-10-17", Statement: { Effect: Allow, Action: "*", Resource: "*" } }
`,
      "Role",
    );
    const { roleId: _id, arn: _arn, permissionsBoundary: _b, ...deployed } = fromConfig;
    const { permissionsBoundary, ...rest } = doc;
    expect(rest).toEqual(deployed);
    // The partition is known at deploy only.
    expect((permissionsBoundary as JsonObject).permissionsBoundaryType).toBe("PermissionsBoundaryPolicy");
  });

  it("reads a template role without properties as a role with a generated name and no policies", () => {
    const doc = templateDoc(adapter, "Resources:\n  Role:\n    Type: AWS::IAM::Role\n", "Role");
    expect(doc).toMatchObject({ path: "/", rolePolicyList: [], attachedManagedPolicies: [], tags: {} });
    expect(doc.roleName).toBeDefined();
  });

  it("names the role of a CloudTrail call by name, and by id and ARN when CreateRole answers them", () => {
    const put = trail(
      "iam.amazonaws.com",
      "PutRolePolicy",
      { roleName: "orders-deployer", policyName: "admin", policyDocument: JSON.stringify(ADMIN) },
      null,
    );
    const put1 = { ...put, awsRegion: "us-east-1" };
    expect(adapter.fromCloudTrail?.(put1)).toEqual([
      { type: "AWS::IAM::Role", id: "orders-deployer", region: "us-east-1", accountId: ACCT },
    ]);
    const create = {
      ...trail(
        "iam.amazonaws.com",
        "CreateRole",
        { roleName: "orders-deployer", path: "/deploy/", assumeRolePolicyDocument: JSON.stringify(TRUST) },
        {
          role: {
            path: "/deploy/",
            roleName: "orders-deployer",
            roleId: ROLE_ID,
            arn: ARN,
            createDate: "Mar 14, 2025, 9:12:44 AM",
            assumeRolePolicyDocument: enc(TRUST),
          },
        },
      ),
      awsRegion: "us-east-1",
    };
    expect(adapter.fromCloudTrail?.(create)).toEqual([
      { type: "AWS::IAM::Role", id: ROLE_ID, region: "us-east-1", accountId: ACCT, arn: ARN },
    ]);
    for (const name of ["UpdateAssumeRolePolicy", "AttachRolePolicy", "DeleteRolePolicy", "TagRole"]) {
      expect(adapter.fromCloudTrail?.({ ...put1, eventName: name })).toHaveLength(1);
    }
    expect(adapter.fromCloudTrail?.({ ...put1, eventName: "GetRole" })).toEqual([]);
    expect(adapter.fromCloudTrail?.({ ...put1, eventName: "PutUserPolicy" })).toEqual([]);
    expect(adapter.fromCloudTrail?.({ ...put1, eventSource: "sts.amazonaws.com" })).toEqual([]);
    expect(adapter.fromCloudTrail?.({ ...put1, requestParameters: { roleName: "../x" } })).toEqual([]);
    expect(adapter.fromCloudTrail?.({ ...put1, requestParameters: null })).toEqual([]);
    // A response naming another role (or another account's) does not lend its id.
    const other = { ...create, responseElements: { role: { roleId: "AROA3XFRBF23AAAAAAAAA", arn: "arn:x" } } };
    expect(adapter.fromCloudTrail?.(other)).toEqual([
      { type: "AWS::IAM::Role", id: "orders-deployer", region: "us-east-1", accountId: ACCT },
    ]);
  });

  it("describes a role by the name its ARN ends with, or its name; a bare role id is an error naming it", () => {
    expect(roleNameOf(ref)).toBe("orders-deployer");
    expect(roleNameOf({ ...ref, id: "orders-deployer", arn: undefined })).toBe("orders-deployer");
    expect(() => roleNameOf({ ...ref, arn: undefined })).toThrow(
      `AWS::IAM::Role ${ROLE_ID}: a role id without the role's ARN`,
    );
  });
});

describe("AWS::IAM::Role hostile items", () => {
  const { policies } = loadPolicies();
  const engine = new Engine(policies);
  const verdict = (raw: JsonObject, policyId: string) =>
    engine.evaluate(resourceFromConfigItem(adapter, toConfigItem(raw))).find((e) => e.policyId === policyId);

  it("keeps a policy with a malformed %-sequence as its text, without throwing", () => {
    expect(() => decodeURIComponent("%7B%E0%A4%A")).toThrow(URIError);
    expect(urlDecodedPolicyText("%7B%E0%A4%A")).toBe("%7B%E0%A4%A");
    const doc = docOf(
      adapter,
      configItem({
        ...configuration,
        assumeRolePolicyDocument: "%7B%22Version%22%3A%ZZ",
        rolePolicyList: [{ policyName: "broken", policyDocument: "%E0%A4%A" }],
      }),
    );
    expect(doc.assumeRolePolicyDocument).toBe("%7B%22Version%22%3A%ZZ");
    expect(doc.rolePolicyList).toEqual([{ policyName: "broken", policyDocument: "%E0%A4%A" }]);
    expectSchemaValid(adapter, doc);
  });

  it("keeps a policy document that is not JSON, or not an object, as its text", () => {
    expect(rolePolicyDocument(enc("just text"))).toBe('"just text"');
    expect(rolePolicyDocument("not%20json")).toBe("not json");
    expect(rolePolicyDocument(42)).toBeUndefined();
    expect(rolePolicyDocument("")).toBeUndefined();
  });

  it("reads a Statement given as one object and an Action given as a string as lists, and judges them", () => {
    const doc = docOf(adapter, item);
    expect(doc.rolePolicyList).toContainEqual({
      policyName: "admin",
      policyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] },
    });
    expect(verdict(item, "iam-role-no-inline-admin")?.compliance).toBe("NON_COMPLIANT");
    const scoped = configItem({
      ...configuration,
      rolePolicyList: [{ policyName: "logs", policyDocument: enc(LOGS) }],
    });
    expect(verdict(scoped, "iam-role-no-inline-admin")?.compliance).toBe("COMPLIANT");
  });

  it("does not throw on odd-typed fields, and keeps what it can read", () => {
    const doc = docOf(
      adapter,
      configItem({
        roleName: 7,
        path: null,
        assumeRolePolicyDocument: { Statement: "x" },
        rolePolicyList: "admin",
        attachedManagedPolicies: [null, { policyArn: 3 }, { policyArn: BASIC }],
        permissionsBoundary: { permissionsBoundaryArn: 5 },
        tags: "none",
      }),
    );
    expect(doc).toEqual({
      roleName: "orders-deployer",
      roleId: ROLE_ID,
      arn: ARN,
      assumeRolePolicyDocument: '{"Statement":"x"}',
      rolePolicyList: [],
      attachedManagedPolicies: [{ policyArn: BASIC, policyName: "AWSLambdaBasicExecutionRole" }],
      tags: { team: "orders" },
    });
    expectSchemaValid(adapter, doc);
    for (const id of ["iam-role-no-inline-admin", "iam-role-trust-not-public", "iam-role-github-oidc-sub-restricted"]) {
      expect(
        verdict(configItem({ rolePolicyList: [{ policyName: 1 }], assumeRolePolicyDocument: 3 }), id),
      ).toBeDefined();
    }
  });
});

describe("AWS::IAM::Role policies", () => {
  const { policies } = loadPolicies();
  const engine = new Engine(policies);
  const trustVerdict = (trust: unknown, policyId: string) =>
    engine
      .evaluate(
        resourceFromConfigItem(
          adapter,
          toConfigItem(configItem({ ...configuration, assumeRolePolicyDocument: enc(trust) })),
        ),
      )
      .find((e) => e.policyId === policyId)?.compliance;
  const gh = (
    Condition?: unknown,
    Federated: unknown = `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com`,
  ) => ({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated },
        Action: "sts:AssumeRoleWithWebIdentity",
        ...(Condition ? { Condition } : {}),
      },
    ],
  });
  const SUB = "token.actions.githubusercontent.com:sub";

  it("flags a trust policy open to everyone unless a condition limits it", () => {
    const open = (Principal: unknown, Condition?: unknown) => ({
      Statement: { Effect: "Allow", Principal, Action: "sts:AssumeRole", ...(Condition ? { Condition } : {}) },
    });
    expect(trustVerdict(open("*"), "iam-role-trust-not-public")).toBe("NON_COMPLIANT");
    expect(trustVerdict(open({ AWS: ["arn:aws:iam::444455556666:root", "*"] }), "iam-role-trust-not-public")).toBe(
      "NON_COMPLIANT",
    );
    expect(
      trustVerdict(
        open({ AWS: "*" }, { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }),
        "iam-role-trust-not-public",
      ),
    ).toBe("COMPLIANT");
    expect(trustVerdict(open({ AWS: "arn:aws:iam::444455556666:root" }), "iam-role-trust-not-public")).toBe(
      "COMPLIANT",
    );
    expect(trustVerdict(TRUST, "iam-role-trust-not-public")).toBe("COMPLIANT");
  });

  it("requires GitHub OIDC trust to name a repository owner in the sub condition", () => {
    const id = "iam-role-github-oidc-sub-restricted";
    expect(trustVerdict(gh(), id)).toBe("NON_COMPLIANT");
    expect(
      trustVerdict(gh({ StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } }), id),
    ).toBe("NON_COMPLIANT");
    expect(trustVerdict(gh({ StringLike: { [SUB]: "*" } }), id)).toBe("NON_COMPLIANT");
    expect(trustVerdict(gh({ StringLike: { [SUB]: "repo:*" } }), id)).toBe("NON_COMPLIANT");
    expect(trustVerdict(gh({ StringLike: { [SUB]: ["repo:octo-org/*", "repo:*/*"] } }), id)).toBe("NON_COMPLIANT");
    expect(trustVerdict(gh({ StringNotEquals: { [SUB]: "repo:octo-org/x:ref:refs/heads/main" } }), id)).toBe(
      "NON_COMPLIANT",
    );
    // A list of federated principals is judged the same way.
    expect(
      trustVerdict(gh(undefined, [`arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com`]), id),
    ).toBe("NON_COMPLIANT");
    expect(trustVerdict(gh({ StringEquals: { [SUB]: "repo:octo-org/orders-api:ref:refs/heads/main" } }), id)).toBe(
      "COMPLIANT",
    );
    expect(trustVerdict(gh({ StringLike: { [SUB]: ["repo:octo-org/*", "repo:octo-org/infra:*"] } }), id)).toBe(
      "COMPLIANT",
    );
    // Another web identity provider is another policy's business.
    expect(trustVerdict(gh(undefined, `arn:aws:iam::${ACCT}:oidc-provider/gitlab.example.com`), id)).toBe("COMPLIANT");
  });
});

/*
 * The describe's paging and Region, where moto cannot show them (it answers every list in one page): IAM API
 * Reference, ListRolePolicies and ListAttachedRolePolicies (IsTruncated, Marker), GetRolePolicy; the exact inputs
 * are asserted.
 */
describe("AWS::IAM::Role describe (SDK mock)", () => {
  const iam = mockClient(IAMClient);
  afterEach(() => {
    iam.reset();
    jest.restoreAllMocks();
  });
  afterAll(() => iam.restore());

  it("reads every page of both lists, each inline policy, and signs for us-east-1 whatever the reference's Region", async () => {
    const regions = jest.spyOn(clients, "clientFor");
    iam.on(GetRoleCommand, { RoleName: "orders-deployer" }).resolves(getRole);
    iam
      .on(ListRolePoliciesCommand, { RoleName: "orders-deployer", Marker: undefined })
      .resolves({ PolicyNames: ["logs"], IsTruncated: true, Marker: "page-2" })
      .on(ListRolePoliciesCommand, { RoleName: "orders-deployer", Marker: "page-2" })
      .resolves({ PolicyNames: ["admin", "gone"], IsTruncated: false });
    iam
      .on(GetRolePolicyCommand, { RoleName: "orders-deployer", PolicyName: "logs" })
      .resolves(inline[1] as GetRolePolicyResponse)
      .on(GetRolePolicyCommand, { RoleName: "orders-deployer", PolicyName: "admin" })
      .resolves(inline[0] as GetRolePolicyResponse)
      .on(GetRolePolicyCommand, { RoleName: "orders-deployer", PolicyName: "gone" })
      .rejects(
        new NoSuchEntityException({ message: "The role policy with name gone cannot be found.", $metadata: {} }),
      );
    iam
      .on(ListAttachedRolePoliciesCommand, { RoleName: "orders-deployer", Marker: undefined })
      .resolves({ AttachedPolicies: [], IsTruncated: true, Marker: "a-2" })
      .on(ListAttachedRolePoliciesCommand, { RoleName: "orders-deployer", Marker: "a-2" })
      .resolves(attached);
    const resource = await describeResource(ref);
    expect(resource?.document).toEqual(expected);
    expect(iam).toHaveReceivedCommandTimes(ListRolePoliciesCommand, 2);
    expect(iam).toHaveReceivedCommandWith(ListRolePoliciesCommand, { RoleName: "orders-deployer", Marker: "page-2" });
    expect(iam).toHaveReceivedCommandTimes(GetRolePolicyCommand, 3);
    expect(iam).toHaveReceivedCommandWith(ListAttachedRolePoliciesCommand, {
      RoleName: "orders-deployer",
      Marker: "a-2",
    });
    expect(regions.mock.calls.map((c) => c[1])).toEqual(["us-east-1"]);
    regions.mockClear();
    await describeResource({ ...ref, region: "cn-northwest-1", arn: undefined, id: "orders-deployer" });
    expect(regions.mock.calls.map((c) => c[1])).toEqual(["cn-north-1"]);
    regions.mockClear();
    await describeResource({ ...ref, arn: `arn:aws-us-gov:iam::${ACCT}:role/orders-deployer` });
    expect(regions.mock.calls.map((c) => c[1])).toEqual(["us-gov-west-1"]);
  });

  it("answers undefined for a role deleted (NoSuchEntity), and throws any other error", async () => {
    iam.on(GetRoleCommand).rejects(new NoSuchEntityException({ message: "Role not found", $metadata: {} }));
    await expect(describeResource(ref)).resolves.toBeUndefined();
    iam.reset();
    iam.on(GetRoleCommand).rejects(Object.assign(new Error("User is not authorized"), { name: "AccessDenied" }));
    await expect(describeResource(ref)).rejects.toThrow("not authorized");
  });
});
