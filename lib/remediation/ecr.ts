import type { Resource } from "../resources/adapter";
import { obj, requireString } from "./document";

/** ECR repositories as the actions read them (document: lib/resources/types/aws-ecr-repository.ts). */

export const REPOSITORY = "AWS::ECR::Repository";

/** The name and registry (the resource's account) every ECR repository call takes. */
export function repositoryOf(actionId: string, resource: Resource): { repositoryName: string; registryId: string } {
  return { repositoryName: requireString(actionId, resource, "RepositoryName"), registryId: resource.accountId };
}

/** Scan on push as recorded; absent is off (ECR's default). */
export function scanOnPush(resource: Resource): boolean {
  return obj(resource.document.ImageScanningConfiguration)?.ScanOnPush === true;
}
