import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetDistributionConfigCommand } from "@aws-sdk/client-cloudfront";
import { clientFor } from "../../lib/aws/clients";
import { service as cloudfront } from "../../lib/aws/services/cloudfront";
import { LocalAccount } from "../../lib/local/account";
import { loadScenario, prepareCalls, sendCall } from "../../lib/local/scenario";
import { toConfigItem, type ConfigItem } from "../../lib/resources/config-item";
import type { JsonObject } from "../../lib/util/json";

/**
 * A scenario call that must read before it writes: CloudFront's UpdateDistribution takes the whole configuration
 * and the ETag of a GetDistributionConfig made just before (CloudFront API Reference, UpdateDistribution), as the
 * console and every tool do. `read` names that call; `{read:Member}` and `set` build the write from its output.
 */

const ACCT = "111122223333";
let dir = "";
let account: LocalAccount;
let detach: () => void;

function example(path: string): ConfigItem {
  const p = JSON.parse(readFileSync(join(__dirname, "../../policies", `${path}.json`), "utf8")) as {
    examples: Record<string, { configurationItem: JsonObject }[]>;
  };
  return toConfigItem(p.examples.compliant![0]!.configurationItem);
}

const allowAll = {
  calls: [
    {
      description: "someone lets a CloudFront behaviour serve plain HTTP",
      principal: "console",
      service: "CloudFront",
      operation: "UpdateDistribution",
      target: { resourceType: "AWS::CloudFront::Distribution", compliantWith: "cloudfront-viewer-https" },
      read: { operation: "GetDistributionConfig", input: { Id: "{resourceId}" } },
      input: { Id: "{resourceId}", IfMatch: "{read:ETag}", DistributionConfig: "{read:DistributionConfig}" },
      set: { "/DistributionConfig/DefaultCacheBehavior/ViewerProtocolPolicy": "allow-all" },
    },
  ],
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "guardrail-scenario-"));
  const distribution = example("cloudfront/cloudfront-viewer-https");
  account = LocalAccount.fromItems([distribution], { stateDir: join(dir, "state"), accountId: ACCT, region: "us-east-1" }); // prettier-ignore
  detach = account.attach();
});

afterAll(async () => {
  detach();
  await rm(dir, { recursive: true, force: true });
});

test("read, then write what was read with one member changed, under the read's ETag", async () => {
  const file = join(dir, "allow-all.json");
  await writeFile(file, JSON.stringify(allowAll));
  const [prepared] = prepareCalls(loadScenario(file), account, () => true);
  const id = prepared?.item?.resourceId as string;
  const before = await clientFor(cloudfront, "us-east-1").send(new GetDistributionConfigCommand({ Id: id }));
  await sendCall(account, prepared!);
  const after = await clientFor(cloudfront, "us-east-1").send(new GetDistributionConfigCommand({ Id: id }));
  expect(before.DistributionConfig?.DefaultCacheBehavior?.ViewerProtocolPolicy).not.toBe("allow-all");
  expect(after.DistributionConfig?.DefaultCacheBehavior?.ViewerProtocolPolicy).toBe("allow-all");
  expect(after.ETag).not.toBe(before.ETag);
  // Everything else of the configuration is what was read.
  const rest = (c: typeof before.DistributionConfig) => ({ ...c, DefaultCacheBehavior: { ...c?.DefaultCacheBehavior, ViewerProtocolPolicy: "" } }); // prettier-ignore
  expect(rest(after.DistributionConfig)).toEqual(rest(before.DistributionConfig));
});

test("a read the service does not have, or a set that is not a JSON pointer, is named by file and pointer", async () => {
  const bad = structuredClone(allowAll) as unknown as { calls: Record<string, unknown>[] };
  (bad.calls[0] as { read: { operation: string } }).read.operation = "GetDistributionConfg";
  const file = join(dir, "bad.json");
  await writeFile(file, JSON.stringify(bad));
  expect(() => loadScenario(file)).toThrow(`${file}: /calls/0/read/operation: CloudFront has no operation GetDistributionConfg`); // prettier-ignore
  const badSet = structuredClone(allowAll) as unknown as { calls: Record<string, unknown>[] };
  (badSet.calls[0] as { set: unknown }).set = { "DistributionConfig.Enabled": false };
  await writeFile(file, JSON.stringify(badSet));
  expect(() => loadScenario(file)).toThrow(`${file}: /calls/0/set: "DistributionConfig.Enabled" is not a JSON pointer into the input (/Member/...)`); // prettier-ignore
});
