import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { describeResource } from "../../lib/resources/describe";
import { lister } from "../../lib/resources/types/aws-iam-role.list";
import { described, ref, verdict } from "./guardrail";
import { MOTO_ACCOUNT, useMoto } from "./moto";

/*
 * IAM roles on moto: the describe (GetRole, ListRolePolicies, GetRolePolicy, ListAttachedRolePolicies; moto returns
 * the trust policy and the inline policies URL-encoded, as IAM does) and the three role policies on what it reads.
 * There is no fix to run: every IAM role policy is notify.
 */

jest.setTimeout(60_000);

const moto = useMoto();

const TRUST_GITHUB = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Federated: `arn:aws:iam::${MOTO_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } },
    },
  ],
};
const ADMIN = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const SCOPED = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::orders-assets/*" }],
};

describe("IAM role (moto)", () => {
  it("describes a role with a path, its inline and attached policies, and judges them", async () => {
    const iam = new IAMClient(moto.config());
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: "github-deploy",
        Path: "/ci/",
        AssumeRolePolicyDocument: JSON.stringify(TRUST_GITHUB),
        Tags: [{ Key: "team", Value: "platform" }],
      }),
    );
    const arn = created.Role?.Arn as string;
    expect(arn).toBe(`arn:aws:iam::${MOTO_ACCOUNT}:role/ci/github-deploy`);
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "github-deploy",
        PolicyName: "zz-admin",
        PolicyDocument: JSON.stringify(ADMIN),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "github-deploy",
        PolicyName: "assets",
        PolicyDocument: JSON.stringify(SCOPED),
      }),
    );
    // moto loads no AWS managed policies unless configured to: a customer managed one stands in.
    const managed = await iam.send(
      new CreatePolicyCommand({ PolicyName: "assets-read", PolicyDocument: JSON.stringify(SCOPED) }),
    );
    const managedArn = managed.Policy?.Arn as string;
    await iam.send(new AttachRolePolicyCommand({ RoleName: "github-deploy", PolicyArn: managedArn }));

    // As the Config rule names it (role id and ARN), and as a CloudTrail record does (the name alone).
    const byId = await described({ ...ref("AWS::IAM::Role", created.Role?.RoleId as string, arn), region: "global" });
    const byName = await described(ref("AWS::IAM::Role", "github-deploy"));
    expect(byName.document).toEqual(byId.document);
    expect(byId.document).toEqual({
      roleName: "github-deploy",
      roleId: created.Role?.RoleId,
      arn,
      path: "/ci/",
      assumeRolePolicyDocument: {
        ...TRUST_GITHUB,
        Statement: [{ ...TRUST_GITHUB.Statement[0], Action: ["sts:AssumeRoleWithWebIdentity"] }],
      },
      rolePolicyList: [
        {
          policyName: "assets",
          policyDocument: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::orders-assets/*"] }],
          },
        },
        {
          policyName: "zz-admin",
          policyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] },
        },
      ],
      attachedManagedPolicies: [{ policyArn: managedArn, policyName: "assets-read" }],
      tags: { team: "platform" },
    });
    expect(verdict("iam-role-no-inline-admin", byId)).toBe("NON_COMPLIANT");
    expect(verdict("iam-role-github-oidc-sub-restricted", byId)).toBe("NON_COMPLIANT");
    expect(verdict("iam-role-trust-not-public", byId)).toBe("COMPLIANT");

    await iam.send(new DeleteRolePolicyCommand({ RoleName: "github-deploy", PolicyName: "zz-admin" }));
    expect(verdict("iam-role-no-inline-admin", await described(ref("AWS::IAM::Role", "github-deploy")))).toBe(
      "COMPLIANT",
    );
  });

  it("lists every role by id with its ARN, and each one describes", async () => {
    const listed = [];
    for await (const r of lister.list({ accountId: MOTO_ACCOUNT, region: "us-east-1" })) listed.push(r);
    const mine = listed.find((r) => r.arn?.endsWith(":role/ci/github-deploy"));
    expect(mine).toMatchObject({ type: "AWS::IAM::Role", accountId: MOTO_ACCOUNT, region: "us-east-1" });
    expect(mine?.id).toMatch(/^AROA/);
    expect((await described(mine as NonNullable<typeof mine>)).document.roleName).toBe("github-deploy");
  });

  it("answers undefined for a role that does not exist (NoSuchEntity)", async () => {
    const iam = new IAMClient(moto.config());
    await iam.send(
      new CreateRoleCommand({
        RoleName: "short-lived",
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      }),
    );
    await iam.send(new DeleteRoleCommand({ RoleName: "short-lived" }));
    await expect(describeResource(ref("AWS::IAM::Role", "short-lived"))).resolves.toBeUndefined();
  });
});
