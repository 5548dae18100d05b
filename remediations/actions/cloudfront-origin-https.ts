import { behavioursOf, distributionConfigOf, originsOf, updateDistribution } from "../../lib/remediation/cloudfront";
import type { AwsCall, RemediationAction } from "../../lib/remediation/types";
import { isObject, type JsonObject } from "../../lib/util/json";

/** Custom origins by id: S3 origins have no customOriginConfig and are never touched. */
function customOrigins(config: JsonObject): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const o of originsOf(config)) {
    if (typeof o.id === "string" && isObject(o.customOriginConfig)) out.set(o.id, o.customOriginConfig);
  }
  return out;
}

export const action: RemediationAction = {
  id: "cloudfront-origin-https",
  resourceTypes: ["AWS::CloudFront::Distribution"],
  description:
    'Sets OriginProtocolPolicy "https-only" on every custom origin that is "http-only", or "match-viewer" while a cache behaviour allows HTTP viewers, with UpdateDistribution (the whole configuration as described, IfMatch its ETag). The origin must then answer HTTPS on its HTTPSPort with a certificate CloudFront trusts for the origin\'s domain name, or viewers get 502 errors: hence approval. S3 origins are not touched. Restore puts back each origin\'s recorded policy. Needs a live describe: a Config item carries no ETag.',
  plan(resource) {
    const config = distributionConfigOf(action.id, resource);
    // match-viewer fetches over HTTPS while every viewer must use HTTPS: left as it is then.
    const plaintextViewers = behavioursOf(config).some((b) => b.viewerProtocolPolicy === "allow-all");
    const weak = [...customOrigins(config).values()].filter(
      (c) => c.originProtocolPolicy === "http-only" || (plaintextViewers && c.originProtocolPolicy === "match-viewer"),
    );
    if (weak.length === 0) return [];
    for (const c of weak) c.originProtocolPolicy = "https-only";
    return [updateDistribution(action.id, resource, config)];
  },
  restore(before, after): AwsCall[] {
    const was = customOrigins(distributionConfigOf(action.id, before));
    const config = distributionConfigOf(action.id, after);
    let changed = false;
    for (const [id, c] of customOrigins(config)) {
      const old = was.get(id)?.originProtocolPolicy;
      if (old !== undefined && old !== c.originProtocolPolicy) {
        c.originProtocolPolicy = old;
        changed = true;
      }
    }
    return changed ? [updateDistribution(action.id, after, config)] : [];
  },
};
