import type { ConfigItem } from "../../../resources/config-item";
import type { JsonObject } from "../../../util/json";
import { date, fail, queryOperation, type ServiceEmulation } from "./types";

/**
 * CloudFormation's DescribeStacks, which the remediation worker reads for the grace period of a resource tagged
 * `aws:cloudformation:stack-name` (lib/remediation/worker/aws.ts). Stacks are AWS::CloudFormation::Stack items of
 * the caller's account and Region (the sample fleet has none: its resources carry no stack tag); a stack that does
 * not exist is CloudFormation's ValidationError "Stack with id X does not exist" (CloudFormation API Reference,
 * DescribeStacks), as the worker expects.
 */

const SERVICE = "CloudFormation";
const STACK = "AWS::CloudFormation::Stack";

/** A configuration member in either naming (Config's camelCase or the API's PascalCase). */
function member(c: JsonObject, name: string): unknown {
  return c[name] ?? c[name.charAt(0).toLowerCase() + name.slice(1)];
}

function stackOut(item: ConfigItem): JsonObject {
  const c = item.configuration ?? {};
  const created = date(member(c, "CreationTime"));
  const updated = date(member(c, "LastUpdatedTime"));
  const status = member(c, "StackStatus");
  return {
    StackId: item.arn ?? item.resourceId,
    StackName: item.resourceName ?? item.resourceId,
    ...(created ? { CreationTime: created } : {}),
    ...(updated ? { LastUpdatedTime: updated } : {}),
    StackStatus: typeof status === "string" ? status : "CREATE_COMPLETE",
    Tags: Object.entries(item.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

export const emulation: ServiceEmulation = {
  serviceId: SERVICE,
  operations: {
    DescribeStacks: queryOperation(true, (input, ctx) => {
      const stacks = ctx.store.list({ resourceType: STACK, accountId: ctx.accountId, region: ctx.region });
      const name = typeof input.StackName === "string" ? input.StackName : undefined;
      if (name === undefined) return { Stacks: stacks.map(stackOut) };
      const stack = stacks.find((s) => s.resourceName === name || s.resourceId === name || s.arn === name);
      if (!stack) fail(SERVICE, "ValidationError", `Stack with id ${name} does not exist`);
      return { Stacks: [stackOut(stack)] };
    }),
  },
};
