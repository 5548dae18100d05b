import type { PatchOperation } from "@aws-sdk/client-api-gateway";
import type { Resource } from "../../lib/resources/adapter";
import { methodSettingPathKey, patchOperationsOf, patchOperationsParams } from "../../lib/remediation/apigateway";
import { assertParams, obj, requireString } from "../../lib/remediation/document";
import { awsCall, type AwsCall, type RemediationAction, type RemediationParams } from "../../lib/remediation/types";

/**
 * Stage settings this action may change, and in which direction: it only ever turns protections on (more logging,
 * X-Ray, encrypted cache, no request/response bodies in logs), never off. Paths: API Gateway API Reference,
 * PatchOperation and MethodSetting (the `/{method_setting_key}/...` patch paths, as the API model documented them
 * until August 2023), and the AWS CLI Command Reference's `aws apigateway update-stage` examples for a single
 * method's path.
 */
interface Setting {
  /** Document field: a key of a methodSettings entry, or of the stage document itself. */
  field: string;
  /** Value when the field is absent (the API's default). */
  absent: string;
  /** Target values a policy may ask for. */
  targets: string[];
  /** Whether the current value already meets the target. */
  meets(current: string, target: string): boolean;
  /** Whether the setting matters for this methodSettings entry (default: always). */
  matters?(entry: Record<string, unknown>): boolean;
}

const LEVELS = ["OFF", "ERROR", "INFO"];
const same = (current: string, target: string) => current === target;

/** methodSettings entries, by the patch path's suffix after `/<resource path>/<method>/`. */
const METHOD_SETTINGS: Record<string, Setting> = {
  "logging/loglevel": {
    field: "loggingLevel",
    absent: "OFF",
    targets: ["ERROR", "INFO"],
    // INFO already logs more than ERROR: never lowered.
    meets: (current, target) => LEVELS.indexOf(current) >= LEVELS.indexOf(target),
  },
  "logging/dataTrace": { field: "dataTraceEnabled", absent: "false", targets: ["false"], meets: same },
  // Only where the entry caches: encrypting a cache that is off changes nothing, and the policy asks no more.
  "caching/dataEncrypted": {
    field: "cacheDataEncrypted",
    absent: "false",
    targets: ["true"],
    meets: same,
    matters: (entry) => entry.cachingEnabled === true,
  },
  "metrics/enabled": { field: "metricsEnabled", absent: "false", targets: ["true"], meets: same },
};

/** Stage-level settings, by patch path. */
const STAGE_SETTINGS: Record<string, Setting> = {
  "/tracingEnabled": { field: "tracingEnabled", absent: "false", targets: ["true"], meets: same },
};

const STAGE_WIDE = "*/*";
const METHOD_PATH = /^\/\*\/\*\/(.+)$/;

function asText(v: unknown, absent: string): string {
  return v === undefined || v === null ? absent : String(v);
}

/** The document's methodSettings, keyed the way patch paths name them. */
function methodSettingsOf(resource: Resource): Record<string, Record<string, unknown>> {
  const ms = obj(resource.document.methodSettings) ?? {};
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [methodSettingPathKey(k), obj(v) ?? {}]));
}

/** `*` /`*` first, then the per-method overrides (keys like `~1orders/POST`) in a stable order. */
function methodKeys(...settings: Record<string, unknown>[]): string[] {
  const keys = new Set<string>();
  for (const s of settings) for (const k of Object.keys(s)) if (k !== STAGE_WIDE) keys.add(k);
  return [STAGE_WIDE, ...[...keys].sort()];
}

type Parsed =
  | { kind: "method"; suffix: string; setting: Setting; value: string }
  | { kind: "stage"; path: string; setting: Setting; value: string };

function parseOps(params: RemediationParams): { parsed: Parsed[]; problems: string[] } {
  const { ops, problems } = patchOperationsOf(params);
  const parsed: Parsed[] = [];
  for (const op of ops) {
    const value = op.value ?? "";
    const m = op.path ? METHOD_PATH.exec(op.path) : null;
    const suffix = m?.[1];
    const setting = suffix !== undefined ? METHOD_SETTINGS[suffix] : STAGE_SETTINGS[op.path ?? ""];
    if (op.op !== "replace") {
      problems.push(`only "replace" operations are allowed, not "${op.op}" on ${op.path}`);
    } else if (!setting) {
      problems.push(
        `path ${op.path} is not one this action sets (${[...Object.keys(METHOD_SETTINGS).map((s) => `/*/*/${s}`), ...Object.keys(STAGE_SETTINGS)].join(", ")})`,
      );
    } else if (!setting.targets.includes(value)) {
      problems.push(
        `${op.path} may only be set to ${setting.targets.map((t) => `"${t}"`).join(" or ")}, not "${value}"`,
      );
    } else if (suffix !== undefined) {
      parsed.push({ kind: "method", suffix, setting, value });
    } else {
      parsed.push({ kind: "stage", path: op.path ?? "", setting, value });
    }
  }
  return { parsed, problems };
}

function stageKey(resource: Resource): { restApiId: string; stageName: string } {
  return {
    restApiId: requireString(action.id, resource, "restApiId"),
    stageName: requireString(action.id, resource, "stageName"),
  };
}

export const action: RemediationAction = {
  id: "apigateway-stage-patch",
  resourceTypes: ["AWS::ApiGateway::Stage"],
  description:
    'Applies the policy\'s UpdateStage patch operations to the stage: execution logging (/*/*/logging/loglevel ERROR or INFO), no data trace (/*/*/logging/dataTrace "false"), cache encryption (/*/*/caching/dataEncrypted "true", on entries that cache), detailed metrics (/*/*/metrics/enabled "true"), X-Ray (/tracingEnabled "true"). A method setting is applied to the stage-wide */* entry and to every per-method override found in the document\'s methodSettings (path /~1orders/POST/...; a recorded key orders/POST is escaped the same way), so an override cannot keep the violation; settings that already meet the target are not touched (INFO logging is never lowered to ERROR). Stage settings apply without a redeploy. Other paths, and values that would turn a protection off, are refused. Without patch operations (access logging, which needs a log group only its owner can choose) there is nothing to do. Restore puts back each of these settings that differs between the before and after documents; a */* entry that did not exist before keeps existing, with the settings at their defaults (OFF, "false"), since removing a method-settings entry is not documented.',
  params: patchOperationsParams(),
  checkParams: (params) => parseOps(params).problems,
  plan(resource, params) {
    assertParams(action, params);
    const { parsed } = parseOps(params);
    if (parsed.length === 0) return [];
    const doc = resource.document;
    const methodSettings = methodSettingsOf(resource);
    const patchOperations: PatchOperation[] = [];
    const seen = new Set<string>();
    const add = (path: string, value: string) => {
      if (seen.has(path)) return;
      seen.add(path);
      patchOperations.push({ op: "replace", path, value });
    };
    for (const p of parsed) {
      if (p.kind === "stage") {
        if (!p.setting.meets(asText(doc[p.setting.field], p.setting.absent), p.value)) add(p.path, p.value);
        continue;
      }
      for (const key of methodKeys(methodSettings)) {
        const entry = methodSettings[key] ?? {};
        if (p.setting.matters && !p.setting.matters(entry)) continue;
        const current = asText(entry[p.setting.field], p.setting.absent);
        if (!p.setting.meets(current, p.value)) add(`/${key}/${p.suffix}`, p.value);
      }
    }
    if (patchOperations.length === 0) return [];
    return [awsCall("apigateway", "UpdateStage", { ...stageKey(resource), patchOperations })];
  },
  restore(before, after): AwsCall[] {
    const patchOperations: PatchOperation[] = [];
    for (const [path, s] of Object.entries(STAGE_SETTINGS)) {
      const was = asText(before.document[s.field], s.absent);
      if (was !== asText(after.document[s.field], s.absent)) patchOperations.push({ op: "replace", path, value: was });
    }
    const msBefore = methodSettingsOf(before);
    const msAfter = methodSettingsOf(after);
    for (const key of methodKeys(msBefore, msAfter)) {
      for (const [suffix, s] of Object.entries(METHOD_SETTINGS)) {
        const was = asText(msBefore[key]?.[s.field], s.absent);
        if (was !== asText(msAfter[key]?.[s.field], s.absent)) {
          patchOperations.push({ op: "replace", path: `/${key}/${suffix}`, value: was });
        }
      }
    }
    if (patchOperations.length === 0) return [];
    return [awsCall("apigateway", "UpdateStage", { ...stageKey(before), patchOperations })];
  },
};
