import { behavioursOf, distributionConfigOf, updateDistribution } from "../../lib/remediation/cloudfront";
import { assertParams } from "../../lib/remediation/document";
import type { AwsCall, RemediationAction, RemediationParams } from "../../lib/remediation/types";
import type { JsonObject } from "../../lib/util/json";

const TARGETS = ["redirect-to-https", "https-only"];

function target(params: RemediationParams): string {
  return typeof params.ViewerProtocolPolicy === "string" ? params.ViewerProtocolPolicy : "redirect-to-https";
}

/** A behaviour's key across two configurations: its path pattern, the default behaviour none. */
function byPath(config: JsonObject): Map<string, JsonObject> {
  return new Map(behavioursOf(config).map((b) => [typeof b.pathPattern === "string" ? b.pathPattern : "", b]));
}

export const action: RemediationAction = {
  id: "cloudfront-viewer-https",
  resourceTypes: ["AWS::CloudFront::Distribution"],
  description:
    'Sets ViewerProtocolPolicy to "redirect-to-https" (or "https-only", the params\' ViewerProtocolPolicy) on the default cache behaviour and every cache behaviour that allows HTTP ("allow-all"), with UpdateDistribution: the whole configuration as described, IfMatch its ETag, so a distribution changed since the describe refuses the call (PreconditionFailed). Behaviours already on HTTPS are left as they are. The change deploys to every edge location in minutes. Restore puts back each behaviour\'s recorded policy the same way. Needs a live describe: a Config item carries no ETag.',
  params: {
    type: "object",
    additionalProperties: false,
    properties: { ViewerProtocolPolicy: { enum: TARGETS } },
  },
  checkParams: (params) =>
    params.ViewerProtocolPolicy === undefined || TARGETS.includes(String(params.ViewerProtocolPolicy))
      ? []
      : ["ViewerProtocolPolicy must be redirect-to-https or https-only"],
  plan(resource, params) {
    assertParams(action, params);
    const config = distributionConfigOf(action.id, resource);
    const weak = behavioursOf(config).filter((b) => !TARGETS.includes(String(b.viewerProtocolPolicy)));
    if (weak.length === 0) return [];
    for (const b of weak) b.viewerProtocolPolicy = target(params);
    return [updateDistribution(action.id, resource, config)];
  },
  restore(before, after): AwsCall[] {
    const was = byPath(distributionConfigOf(action.id, before));
    const config = distributionConfigOf(action.id, after);
    let changed = false;
    for (const [path, b] of byPath(config)) {
      const old = was.get(path)?.viewerProtocolPolicy;
      if (old !== undefined && old !== b.viewerProtocolPolicy) {
        b.viewerProtocolPolicy = old;
        changed = true;
      }
    }
    return changed ? [updateDistribution(action.id, after, config)] : [];
  },
};
