import {
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  type AttachedPolicy,
  type GetRolePolicyResponse,
} from "@aws-sdk/client-iam";
import { clientFor } from "../../aws/clients";
import { unlessAbsent } from "../../aws/errors";
import { service as iam } from "../../aws/services/iam";
import { partitionOf } from "../../cloudtrail/record";
import type { ResourceRef } from "../adapter";
import type { Describer } from "../describe";
import { ROLE_ID } from "./aws-iam-role";

/** IAM's signing Region in each partition: its endpoint is global (AWS General Reference, "AWS Identity and Access Management endpoints and quotas"). */
const IAM_REGION: Record<string, string> = { aws: "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1" };

/**
 * The role's name: GetRole takes the name, not the id. From the ARN (`role/<path><name>`) when the reference has
 * one, else the reference's id when it is a name (a reference made from a CloudTrail record); a bare role id names
 * no role GetRole can read.
 */
export function roleNameOf(ref: ResourceRef): string {
  const arn = ref.arn && /^arn:[\w-]+:iam::\d{12}:role\/(?:.*\/)?([\w+=,.@-]{1,64})$/.exec(ref.arn);
  if (arn?.[1]) return arn[1];
  if (!ROLE_ID.test(ref.id)) return ref.id;
  throw new Error(`AWS::IAM::Role ${ref.id}: a role id without the role's ARN (GetRole takes the role name)`);
}

/**
 * A role by name: GetRole (NoSuchEntity: gone), every page of ListRolePolicies with GetRolePolicy of each name, and
 * every page of ListAttachedRolePolicies (IsTruncated, Marker: IAM API Reference). Whatever the reference's Region,
 * the client signs for IAM's Region of its partition (Config records IAM roles in Region `global`).
 */
export const describer: Describer = {
  type: "AWS::IAM::Role",
  async describe(ref) {
    const RoleName = roleNameOf(ref);
    const GONE = iam.notFound;
    // The ARN's partition first: Config's Region for a role is `global` in every partition.
    const partition = /^arn:(aws[\w-]*):/.exec(ref.arn ?? "")?.[1] ?? partitionOf(ref.region);
    const region = IAM_REGION[partition] ?? "us-east-1";
    const client = clientFor(iam, region);
    const role = await unlessAbsent(client.send(new GetRoleCommand({ RoleName })), GONE);
    if (!role?.Role) return undefined;
    const names: string[] = [];
    for (let Marker: string | undefined; ;) {
      const page = await unlessAbsent(client.send(new ListRolePoliciesCommand({ RoleName, Marker })), GONE);
      if (!page) return undefined; // deleted between the calls
      names.push(...(page.PolicyNames ?? []));
      if (!page.IsTruncated || !page.Marker || page.Marker === Marker) break;
      Marker = page.Marker;
    }
    const inline: GetRolePolicyResponse[] = [];
    for (const PolicyName of names) {
      const got = await unlessAbsent(client.send(new GetRolePolicyCommand({ RoleName, PolicyName })), GONE);
      if (got) inline.push(got); // a policy deleted since the listing is no longer the role's
    }
    const attached: AttachedPolicy[] = [];
    for (let Marker: string | undefined; ;) {
      const page = await unlessAbsent(client.send(new ListAttachedRolePoliciesCommand({ RoleName, Marker })), GONE);
      if (!page) return undefined;
      attached.push(...(page.AttachedPolicies ?? []));
      if (!page.IsTruncated || !page.Marker || page.Marker === Marker) break;
      Marker = page.Marker;
    }
    return {
      ref,
      GetRole: role,
      GetRolePolicy: inline,
      ListAttachedRolePolicies: { AttachedPolicies: attached },
    };
  },
};
