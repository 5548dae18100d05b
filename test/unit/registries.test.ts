import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

describe("registry indexes", () => {
  it("are what scripts/registries.mjs writes for the module files there now", () => {
    const r = spawnSync("node", ["scripts/registries.mjs", "--check"], { cwd: ROOT, encoding: "utf8" });
    // A module added or removed without `npm run registries` leaves its folder's index stale: named here.
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  });
});

describe("service modules", () => {
  it("declare nothing that would widen a role: every built-in passes the check a pack's must", async () => {
    const { SERVICES } = await import("../../lib/aws/services");
    const { serviceModuleProblems } = await import("../../lib/aws/service");
    expect(SERVICES.map((m) => [m.service.name, serviceModuleProblems(m)])).toEqual(
      SERVICES.map((m) => [m.service.name, []]),
    );
  });

  it("a wildcard action, another service's ARN or a write on * are problems", async () => {
    const { service } = await import("../../lib/aws/services/sqs");
    const { serviceModuleProblems } = await import("../../lib/aws/service");
    expect(
      serviceModuleProblems({
        service,
        operations: {
          SetQueueAttributes: { action: "sqs:*", access: "write", resources: ["*"], command: class {}, service },
          GetQueueAttributes: {
            action: "sqs:GetQueueAttributes",
            access: "read",
            resources: ["arn:${AWS::Partition}:iam::*"],
          },
        },
      }),
    ).toEqual([
      "operations.SetQueueAttributes.action must be one of sqs's own IAM actions (sqs:Action), not sqs:*",
      'operations.SetQueueAttributes.resources: * is not an ARN of sqs ("arn:${AWS::Partition}:sqs:…"); "*" only for a read that takes no resource',
      'operations.GetQueueAttributes.resources: arn:${AWS::Partition}:iam::* is not an ARN of sqs ("arn:${AWS::Partition}:sqs:…")',
    ]);
  });
});
