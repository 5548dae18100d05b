import { createHash } from "node:crypto";
import { join } from "node:path";
import { fmix32 } from "../../../fleet/prng";
import { trailLogKey } from "../../cloudtrail/layout";
import type { JsonObject } from "../../util/json";
import type { Principal } from "./contract";

/**
 * CloudTrail records of the calls the local account serves, and their delivery as log files in an organisation trail's
 * S3 layout (lib/cloudtrail/layout.ts). Record fields and their order: CloudTrail User Guide, "CloudTrail record
 * contents", eventVersion 1.11; the shape of an assumed-role call follows the recorded CreateStage
 * (test/fixtures/aws-recorded/eventbridge-cloudtrail-apigateway-create-stage.json).
 */

export const EVENT_VERSION = "1.11";
/** CloudTrail keeps up to this many records per file here (AWS caps files at 50 MB compressed). */
const RECORDS_PER_FILE = 5000;

/** A stable UUID-shaped id from a seed and a counter (eventID, requestID, revision ids). */
export function stableUuid(seed: string, n: number, kind: string): string {
  const h = createHash("sha256").update(`${seed}:${kind}:${n}`).digest("hex");
  const variant = "89ab"[Number.parseInt(h.charAt(16), 16) % 4];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The ids of one seed (eventID, requestID, revision ids), UUID-shaped and stable like `stableUuid`, without a
 * SHA-256 per id (the account makes a few per call): one hash per kind, then the counter mixed in by fmix32. The
 * first 32 bits are a bijection of the counter, so ids of one kind never repeat below 2^32.
 */
export function stableIdSequence(seed: string): (n: number, kind: string) => string {
  const bases = new Map<string, Uint32Array>();
  return (n, kind) => {
    let b = bases.get(kind);
    if (!b) {
      const digest = createHash("sha256").update(`${seed}:${kind}`).digest();
      b = new Uint32Array([
        digest.readUInt32BE(0),
        digest.readUInt32BE(4),
        digest.readUInt32BE(8),
        digest.readUInt32BE(12),
      ]);
      bases.set(kind, b);
    }
    const l0 = fmix32((b[0] as number) ^ n);
    const l1 = fmix32((b[1] as number) ^ l0);
    const l2 = fmix32((b[2] as number) ^ l1);
    const l3 = fmix32((b[3] as number) ^ l2);
    const h = [l0, l1, l2, l3].map((l) => l.toString(16).padStart(8, "0")).join("");
    const variant = "89ab"[Number.parseInt(h.charAt(16), 16) % 4];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
}

/** CloudTrail's eventTime: UTC to the second. */
export function eventTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface RecordFields {
  principal: Principal;
  now: Date;
  eventSource: string;
  eventName: string;
  region: string;
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  error?: { code: string; message: string };
  requestId: string;
  eventId: string;
  readOnly: boolean;
  recipientAccountId: string;
  resources?: JsonObject[];
}

export function cloudTrailRecord(f: RecordFields): JsonObject {
  const host = `${f.eventSource.replace(/\.amazonaws\.com$/, "")}.${f.region}.amazonaws.com`;
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: f.principal.userIdentity,
    eventTime: eventTime(f.now),
    eventSource: f.eventSource,
    eventName: f.eventName,
    awsRegion: f.region,
    sourceIPAddress: f.principal.sourceIPAddress,
    userAgent: f.principal.userAgent,
    ...(f.error ? { errorCode: f.error.code, errorMessage: f.error.message.slice(0, 1024) } : {}),
    requestParameters: f.requestParameters,
    responseElements: f.error ? null : f.responseElements,
    requestID: f.requestId,
    eventID: f.eventId,
    readOnly: f.readOnly,
    ...(f.resources ? { resources: f.resources } : {}),
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: f.recipientAccountId,
    eventCategory: "Management",
    ...(f.principal.sessionCredentialFromConsole ? { sessionCredentialFromConsole: "true" } : {}),
    tlsDetails: {
      tlsVersion: "TLSv1.3",
      cipherSuite: "TLS_AES_128_GCM_SHA256",
      clientProvidedHostHeader: host,
    },
  };
}

/**
 * `records` as CloudTrail log files under `dir` (the trail bucket's root): one or more files per account and Region,
 * `{"Records": [...]}` (to be gzipped), at the key CloudTrail would give a delivery at `deliveredAt`.
 */
export function trailFiles(
  dir: string,
  records: readonly JsonObject[],
  o: { orgId?: string; deliveredAt: Date; unique: (n: number) => string },
): { file: string; text: string }[] {
  const groups = new Map<string, JsonObject[]>();
  for (const r of records) {
    const key = `${String(r.recipientAccountId)}|${String(r.awsRegion)}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(r);
  }
  const files: { file: string; text: string }[] = [];
  let n = 0;
  for (const [key, list] of groups) {
    const [accountId = "", region = ""] = key.split("|");
    for (let at = 0; at < list.length; at += RECORDS_PER_FILE) {
      const file = join(
        dir,
        trailLogKey({ orgId: o.orgId, accountId, region, deliveredAt: o.deliveredAt, unique: o.unique(n++) }),
      );
      files.push({ file, text: JSON.stringify({ Records: list.slice(at, at + RECORDS_PER_FILE) }) });
    }
  }
  return files;
}

/** CloudTrail's 16-character unique string of a log file name, derived (letters and digits). */
export function uniqueString(seed: string, n: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const h = createHash("sha256").update(`${seed}:file:${n}`).digest();
  let out = "";
  for (let i = 0; i < 16; i++) out += alphabet[(h[i] as number) % alphabet.length];
  return out;
}
