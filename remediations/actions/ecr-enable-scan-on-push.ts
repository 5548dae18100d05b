import { assertParams } from "../../lib/remediation/document";
import { REPOSITORY, repositoryOf, scanOnPush } from "../../lib/remediation/ecr";
import { awsCall, type RemediationAction } from "../../lib/remediation/types";

export const action: RemediationAction = {
  id: "ecr-enable-scan-on-push",
  resourceTypes: [REPOSITORY],
  description:
    "Turns basic scan on push on (PutImageScanningConfiguration scanOnPush true): every image pushed from then on is scanned for CVEs; images already in the repository are not. No effect on pulls or running tasks. A registry with enhanced scanning (Amazon Inspector) overrides the repository setting. Restore turns it off again.",
  params: { type: "object", additionalProperties: false, properties: {} },
  plan(resource, params) {
    assertParams(action, params);
    if (scanOnPush(resource)) return [];
    return [
      awsCall("ecr", "PutImageScanningConfiguration", {
        ...repositoryOf(action.id, resource),
        imageScanningConfiguration: { scanOnPush: true },
      }),
    ];
  },
  restore(before, after) {
    const was = scanOnPush(before);
    if (was === scanOnPush(after)) return [];
    return [
      awsCall("ecr", "PutImageScanningConfiguration", {
        ...repositoryOf(action.id, before),
        imageScanningConfiguration: { scanOnPush: was },
      }),
    ];
  },
};
