import type { JsonObject, JsonSchema } from "../util/json";

export type Severity = "critical" | "high" | "medium" | "low" | "info";
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

export type RemediationMode = "auto" | "approve" | "notify";

export interface Trigger {
  eventSource: string;
  eventNames: string[];
}

export interface PolicyExample {
  name: string;
  configurationItem?: JsonObject;
  /** The short form: a Config item's `configuration` alone, the rest filled in (lib/policy/examples.ts). */
  configuration?: JsonObject;
  supplementaryConfiguration?: JsonObject;
  tags?: Record<string, string>;
  resourceType?: string;
  resourceId?: string;
  resourceName?: string;
  cloudTrailEvent?: JsonObject;
  annotationIncludes?: string;
}

/** A policy file as written under policies/<service>/<id>.json (see policies/policy.schema.json). */
export interface PolicyFile {
  id: string;
  title: string;
  description: string;
  rationale: string;
  severity: Severity;
  subject: { resourceTypes: string[] } | { cloudtrail: true };
  applies?: JsonSchema;
  compliant: JsonSchema;
  triggers?: Trigger[];
  remediation?: { action: string; params?: JsonObject; mode: RemediationMode };
  frameworks?: Record<string, string[]>;
  examples: { compliant: PolicyExample[]; noncompliant: PolicyExample[]; notApplicable?: PolicyExample[] };
}

/** Where a policy came from, so every error can name the file, the line and the JSON pointer. */
export interface PolicySource {
  file: string;
  text: string;
}

export function isCloudTrailPolicy(p: PolicyFile): p is PolicyFile & { subject: { cloudtrail: true } } {
  return "cloudtrail" in p.subject;
}

export function resourceTypesOf(p: PolicyFile): string[] {
  return "resourceTypes" in p.subject ? p.subject.resourceTypes : [];
}
