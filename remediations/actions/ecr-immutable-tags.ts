import { assertParams, str } from "../../lib/remediation/document";
import { REPOSITORY, repositoryOf } from "../../lib/remediation/ecr";
import { awsCall, PlanError, type RemediationAction } from "../../lib/remediation/types";

/** Tag mutability as recorded; absent is MUTABLE (ECR's default). */
function mutabilityOf(document: Record<string, unknown>): string {
  return str(document.ImageTagMutability) ?? "MUTABLE";
}

export const action: RemediationAction = {
  id: "ecr-immutable-tags",
  resourceTypes: [REPOSITORY],
  description:
    "Makes image tags immutable (PutImageTagMutability IMMUTABLE): a push that reuses an existing tag then fails with ImageTagAlreadyExistsException, so a pipeline that re-pushes a moving tag such as `latest` breaks until it tags each build uniquely. Images already pushed are untouched. A repository with tag exclusion filters (MUTABLE_WITH_EXCLUSION) is refused: the document does not hold the filters, so undo could not put them back. Restore makes tags mutable again.",
  params: { type: "object", additionalProperties: false, properties: {} },
  plan(resource, params) {
    assertParams(action, params);
    const now = mutabilityOf(resource.document);
    if (now === "IMMUTABLE" || now === "IMMUTABLE_WITH_EXCLUSION") return [];
    if (now !== "MUTABLE") {
      throw new PlanError(
        action.id,
        `ImageTagMutability of ${resource.id} is ${now}: its exclusion filters are not recorded, change it by hand`,
      );
    }
    return [
      awsCall("ecr", "PutImageTagMutability", {
        ...repositoryOf(action.id, resource),
        imageTagMutability: "IMMUTABLE",
      }),
    ];
  },
  restore(before, after) {
    const was = mutabilityOf(before.document);
    if (was === mutabilityOf(after.document) || (was !== "MUTABLE" && was !== "IMMUTABLE")) return [];
    return [awsCall("ecr", "PutImageTagMutability", { ...repositoryOf(action.id, before), imageTagMutability: was })];
  },
};
