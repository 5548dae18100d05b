import { paginateListRoles } from "@aws-sdk/client-iam";
import { clientFor } from "../../aws/clients";
import { service as iam } from "../../aws/services/iam";
import type { Lister } from "../list";

/**
 * Roles by id (Config's resourceId) with their ARNs, which name the role GetRole reads: every page of ListRoles
 * (IsTruncated, Marker: IAM API Reference, ListRoles). IAM is global: listed once, from the partition's home Region.
 */
export const lister: Lister = {
  type: "AWS::IAM::Role",
  global: true,
  async *list({ accountId, region }) {
    const client = clientFor(iam, region);
    for await (const page of paginateListRoles({ client }, {})) {
      for (const r of page.Roles ?? []) {
        if (r.RoleId && r.Arn) yield { type: lister.type, id: r.RoleId, arn: r.Arn, accountId, region };
      }
    }
  },
};
