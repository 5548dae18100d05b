import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { generateTrail, type TrailManifest } from "../../fleet/trail";
import { resetClients } from "../../lib/aws/clients";
import { runAudit } from "../../lib/audit/run";
import { mapLimit } from "../../lib/audit/source";
import { loadPack } from "../../lib/pack";

/**
 * The S3 path against a real S3-compatible server (s3rver, started here on 127.0.0.1 on a free port, stopped
 * after): the sample organisation trail and its remediation records uploaded under their real keys, more than one
 * ListObjectsV2 page of log files (1,000 keys a page), a digest file and a corrupt object beside them. The report
 * read from S3 must equal the one read from the same files on disk.
 */

/**
 * s3rver in a child process: its ListObjectsV2 continuation tokens use DES, which Node's OpenSSL 3 only offers with
 * the legacy provider, so the server runs under `--openssl-legacy-provider` (this test process does not need it).
 */
async function startS3rver(port: number, directory: string): Promise<ChildProcess> {
  const bin = join(__dirname, "..", "..", "node_modules", "s3rver", "bin", "s3rver.js");
  const args = ["--openssl-legacy-provider", bin, "-d", directory, "-a", "127.0.0.1", "-p", String(port), "--silent", "--allow-mismatched-signatures"]; // prettier-ignore
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start in 20 s:\n${output}`)), 20_000);
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("S3rver listening")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", seen);
    child.stderr?.on("data", seen);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited (${code}):\n${output}`));
    });
  });
  return child;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const ENV = [
  "GUARDRAIL_AWS_ENDPOINT",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_REGION",
  "AWS_PROFILE",
] as const;
const saved: Partial<Record<(typeof ENV)[number], string>> = {};
let server: ChildProcess | undefined;
let dir: string;
let trail: TrailManifest;
const spec = {};
const { engine } = loadPack(spec);
const now = new Date("2026-12-01T00:00:00Z");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "guardrail-audit-s3-"));
  const port = await freePort();
  mkdirSync(join(dir, "s3rver"));
  server = await startS3rver(port, join(dir, "s3rver"));
  for (const k of ENV) saved[k] = process.env[k];
  Object.assign(process.env, {
    GUARDRAIL_AWS_ENDPOINT: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_REGION: "eu-west-1",
  });
  delete process.env.AWS_PROFILE;
  resetClients();

  // 1 day x 3 accounts x 2 regions x 180 files of one record: 1,080 log files, two listing pages.
  trail = await generateTrail({ seed: 3, outDir: join(dir, "local"), days: 1, recordsPerDay: 180, recordsPerFile: 1 });
  const s3 = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: "eu-west-1", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } }); // prettier-ignore
  await s3.send(new CreateBucketCommand({ Bucket: "org-trail" }));
  await s3.send(new CreateBucketCommand({ Bucket: "guardrail-audit" }));
  const local = join(dir, "local");
  await mapLimit(files(local), 16, async (p) => {
    const key = relative(local, p).split(sep).join("/");
    const records = key.startsWith("records/");
    await s3.send(new PutObjectCommand({ Bucket: records ? "guardrail-audit" : "org-trail", Key: records ? key : `org/${key}`, Body: readFileSync(p) })); // prettier-ignore
  });
  const base = `org/AWSLogs/${trail.orgId}/${trail.accounts[0]?.id}`;
  await s3.send(new PutObjectCommand({ Bucket: "org-trail", Key: `${base}/CloudTrail-Digest/eu-west-1/2026/01/01/${trail.accounts[0]?.id}_CloudTrail-Digest_eu-west-1_org_eu-west-1_20260101T000000Z.json.gz`, Body: "not gzip" })); // prettier-ignore
  await s3.send(new PutObjectCommand({ Bucket: "org-trail", Key: `${base}/CloudTrail/eu-west-1/${trail.truth.firstDate.replace(/-/g, "/")}/${trail.accounts[0]?.id}_CloudTrail_eu-west-1_20260101T0000Z_CORRUPTaaaaaaaaa.json.gz`, Body: "not gzip" })); // prettier-ignore
}, 120_000);

afterAll(async () => {
  if (server?.pid !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  resetClients();
  rmSync(dir, { recursive: true, force: true });
});

describe("guardrail audit over S3", () => {
  it("reads the trail and the records through the SDK and reports what the local read reports", async () => {
    const fromS3 = await runAudit({ trail: "s3://org-trail/org/", records: "s3://guardrail-audit/records", filters: {}, pack: spec, engine, now }); // prettier-ignore
    const fromDisk = await runAudit({ trail: join(dir, "local"), records: join(dir, "local", "records"), filters: {}, pack: spec, engine, now }); // prettier-ignore
    expect(trail.truth.files).toBeGreaterThan(1000);
    expect(fromS3.coverage.files).toBe(trail.truth.files);
    expect(fromS3.coverage.filesSkipped).toBe(1);
    expect(fromS3.coverage.skipped[0]?.file).toMatch(/^s3:\/\/org-trail\/org\/AWSLogs\/.*CORRUPTaaaaaaaaa\.json\.gz$/);
    expect(fromS3.coverage.skipped[0]?.reason).toMatch(/not a readable gzip file/);
    expect(fromS3.coverage.records).toBe(trail.truth.records);
    expect(fromS3.coverage.remediationRecords).toBe(trail.truth.remediationRecords);
    const strip = (r: typeof fromS3) => ({
      ...r,
      trail: "",
      records: "",
      coverage: { ...r.coverage, filesSkipped: 0, skipped: [] },
    });
    expect(strip(fromS3)).toEqual(strip(fromDisk));
  }, 120_000);

  it("prunes by account and date from the keys", async () => {
    const account = trail.accounts[1]?.id as string;
    const r = await runAudit({ trail: "s3://org-trail/org", filters: { accounts: [account], regions: ["us-east-1"], from: trail.truth.firstDate, to: trail.truth.firstDate }, pack: spec, engine, now }); // prettier-ignore
    expect(r.coverage.accounts).toEqual([account]);
    expect(r.coverage.regions).toEqual(["us-east-1"]);
    expect(r.coverage.files).toBe(180);
    expect(r.coverage.filesSkipped).toBe(0);
  }, 60_000);
});
