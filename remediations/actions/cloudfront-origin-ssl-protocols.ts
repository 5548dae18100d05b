import { distributionConfigOf, originsOf, updateDistribution } from "../../lib/remediation/cloudfront";
import { jsonEqual } from "../../lib/remediation/document";
import type { AwsCall, RemediationAction } from "../../lib/remediation/types";
import { isObject, type JsonObject } from "../../lib/util/json";

/** Each custom origin's originSslProtocols ({quantity, items}) by origin id. */
function protocolLists(config: JsonObject): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const o of originsOf(config)) {
    const custom = o.customOriginConfig;
    if (typeof o.id === "string" && isObject(custom) && isObject(custom.originSslProtocols)) {
      out.set(o.id, custom.originSslProtocols);
    }
  }
  return out;
}

const items = (list: JsonObject): unknown[] => (Array.isArray(list.items) ? list.items : []);

export const action: RemediationAction = {
  id: "cloudfront-origin-ssl-protocols",
  resourceTypes: ["AWS::CloudFront::Distribution"],
  description:
    'Removes "SSLv3" from every custom origin\'s OriginSslProtocols, with UpdateDistribution (the whole configuration as described, IfMatch its ETag); an origin left with no protocol gets "TLSv1.2" (the list may not be empty). CloudFront then negotiates TLS with the origin only. Restore puts back each origin\'s recorded list. Needs a live describe: a Config item carries no ETag.',
  plan(resource) {
    const config = distributionConfigOf(action.id, resource);
    const weak = [...protocolLists(config).values()].filter((l) => items(l).includes("SSLv3"));
    if (weak.length === 0) return [];
    for (const l of weak) {
      const kept = items(l).filter((p) => p !== "SSLv3");
      l.items = kept.length > 0 ? kept : ["TLSv1.2"];
      l.quantity = (l.items as unknown[]).length;
    }
    return [updateDistribution(action.id, resource, config)];
  },
  restore(before, after): AwsCall[] {
    const was = protocolLists(distributionConfigOf(action.id, before));
    const config = distributionConfigOf(action.id, after);
    let changed = false;
    for (const [id, l] of protocolLists(config)) {
      const old = was.get(id);
      if (old !== undefined && !jsonEqual(items(old), items(l))) {
        l.items = items(old);
        l.quantity = items(old).length;
        changed = true;
      }
    }
    return changed ? [updateDistribution(action.id, after, config)] : [];
  },
};
