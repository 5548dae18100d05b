import { requireString, str } from "../../lib/remediation/document";
import { awsCall, PlanError, type RemediationAction } from "../../lib/remediation/types";
import type { Resource } from "../../lib/resources/adapter";

/**
 * In-transit encryption of an existing group takes two ModifyReplicationGroup calls with the group available in
 * between (ElastiCache User Guide, "Enabling in-transit encryption on an existing cluster"): TransitEncryptionEnabled
 * with TransitEncryptionMode preferred (TLS and plaintext both accepted), then TransitEncryptionMode required once
 * every client connects with TLS. The plan makes the next step only; the group is judged again after each.
 */
function transit(resource: Resource): { enabled: boolean; mode?: string } {
  const enabled = resource.document.TransitEncryptionEnabled;
  if (typeof enabled !== "boolean") {
    throw new PlanError(
      "elasticache-transit-encryption",
      `TransitEncryptionEnabled of ${resource.id} is not recorded as a boolean`,
    );
  }
  return { enabled, mode: str(resource.document.TransitEncryptionMode) };
}

export const action: RemediationAction = {
  id: "elasticache-transit-encryption",
  resourceTypes: ["AWS::ElastiCache::ReplicationGroup"],
  description:
    'Turns in-transit encryption on in two steps, one per approval (ModifyReplicationGroup, ApplyImmediately): first TransitEncryptionEnabled with TransitEncryptionMode preferred, which accepts TLS and plaintext connections; then, once every client connects with TLS, TransitEncryptionMode required, after which plaintext clients are refused. Only Valkey 7.2 and later and Redis OSS 7.0.5 and later can switch an existing group, so an older EngineVersion is refused (ElastiCache User Guide, "Enabling in-transit encryption on an existing cluster"). Restore takes one step back: required to preferred, or preferred to off.',
  plan(resource) {
    const id = requireString(action.id, resource, "ReplicationGroupId");
    const { enabled, mode } = transit(resource);
    if (enabled && mode !== "preferred") return [];
    const version = str(resource.document.EngineVersion);
    const major = version ? Number.parseInt(version, 10) : undefined;
    if (major !== undefined && !Number.isNaN(major) && major < 7) {
      throw new PlanError(
        action.id,
        `EngineVersion of ${resource.id} is ${version}: in-transit encryption of an existing group needs 7.0.5 or later; upgrade first`,
      );
    }
    if (!enabled) {
      return [
        awsCall("elasticache", "ModifyReplicationGroup", {
          ReplicationGroupId: id,
          TransitEncryptionEnabled: true,
          TransitEncryptionMode: "preferred",
          ApplyImmediately: true,
        }),
      ];
    }
    return [
      awsCall("elasticache", "ModifyReplicationGroup", {
        ReplicationGroupId: id,
        TransitEncryptionMode: "required",
        ApplyImmediately: true,
      }),
    ];
  },
  restore(before, after) {
    const was = transit(before);
    const is = transit(after);
    const id = requireString(action.id, before, "ReplicationGroupId");
    if (is.enabled && is.mode === "required" && !(was.enabled && was.mode !== "preferred")) {
      return [
        awsCall("elasticache", "ModifyReplicationGroup", {
          ReplicationGroupId: id,
          TransitEncryptionMode: "preferred",
          ApplyImmediately: true,
        }),
      ];
    }
    if (is.enabled && is.mode === "preferred" && !was.enabled) {
      return [
        awsCall("elasticache", "ModifyReplicationGroup", {
          ReplicationGroupId: id,
          TransitEncryptionEnabled: false,
          ApplyImmediately: true,
        }),
      ];
    }
    return [];
  },
};
