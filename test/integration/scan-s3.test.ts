import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { generateFleet, type FleetManifest } from "../../fleet/generate";
import { Engine } from "../../lib/engine/evaluate";
import { loadPolicies } from "../../lib/policy/load";
import { scanConfigFiles } from "../../lib/scan";
import { CollectingWriter } from "../helpers/collect";
import { useMoto } from "./moto";

/**
 * `scan --snapshot s3://bucket/prefix` against moto's S3: the sample fleet's snapshots uploaded under the keys AWS
 * Config delivers them to (AWSLogs/<account>/Config/<region>/<yyyy>/<m>/<d>/ConfigSnapshot/...), beside an older
 * snapshot, a ConfigHistory file and a truncated object. The verdicts read from S3 must be the ones read from the
 * same files on disk; what is passed over is said, and the truncated object is named.
 */

const moto = useMoto();
const engine = new Engine(loadPolicies().policies);
let dir: string;
let fleet: FleetManifest;

async function scan(inputs: string[]) {
  const writer = new CollectingWriter();
  const summary = await scanConfigFiles({ inputs, engine, writer });
  return { summary, evaluations: writer.evaluations };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "guardrail-scan-s3-"));
  fleet = await generateFleet({ services: 3, seed: 7, outDir: join(dir, "fleet") });
  const s3 = new S3Client(moto.config());
  await s3.send(new CreateBucketCommand({ Bucket: "config-delivery" }));
  for (const file of fleet.snapshotFiles) {
    const key = `org/${relative(join(dir, "fleet"), file).split(sep).join("/")}`;
    await s3.send(new PutObjectCommand({ Bucket: "config-delivery", Key: key, Body: readFileSync(file) }));
  }
  const first = relative(join(dir, "fleet"), fleet.snapshotFiles[0] as string)
    .split(sep)
    .join("/");
  // An older snapshot of the same account and Region: passed over for the newest.
  const older = first.replace(/_ConfigSnapshot_\d{8}T\d{6}Z_/, "_ConfigSnapshot_20200101T000000Z_");
  await s3.send(new PutObjectCommand({ Bucket: "config-delivery", Key: `org/${older}`, Body: "not read" }));
  const history = first.replace("/ConfigSnapshot/", "/ConfigHistory/").replace("_ConfigSnapshot_", "_ConfigHistory_");
  await s3.send(new PutObjectCommand({ Bucket: "config-delivery", Key: `org/${history}`, Body: "not read" }));
  // Outside the layout: scanned as given, and it breaks off.
  await s3.send(new PutObjectCommand({ Bucket: "config-delivery", Key: "org/exports/broken.json", Body: '{"configurationItems": [{"resourceType": ' })); // prettier-ignore
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("scan --snapshot s3://", () => {
  test("reads Config's delivery layout through the SDK and judges as the local read does", async () => {
    const fromS3 = await scan(["s3://config-delivery/org/"]);
    const fromDisk = await scan(fleet.snapshotFiles);
    const verdicts = (r: typeof fromS3) =>
      r.evaluations.map((e) => `${e.policyId} ${e.resourceId} ${e.compliance}`).sort();
    expect(fromDisk.evaluations.length).toBeGreaterThan(100);
    expect(verdicts(fromS3)).toEqual(verdicts(fromDisk));
    expect(fromS3.summary.violationsBySeverity).toEqual(fromDisk.summary.violationsBySeverity);
    // Every snapshot read, plus the object outside the layout, which failed.
    expect(fromS3.summary.files).toEqual({ read: fleet.snapshotFiles.length, failed: 1 });
    const messages = fromS3.summary.problems.map((p) => `${p.level} ${p.file}: ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^warning s3:\/\/config-delivery\/org\/: 1 older Config snapshot not scanned/),
        expect.stringMatching(/^warning s3:\/\/config-delivery\/org\/AWSLogs\/.*ConfigHistory.*: 1 file in the AWSLogs layout not scanned/), // prettier-ignore
        expect.stringMatching(/^error s3:\/\/config-delivery\/org\/exports\/broken\.json: not JSON/),
      ]),
    );
    const located = fromS3.evaluations.find((e) => e.compliance === "NON_COMPLIANT")?.source;
    expect(located?.file).toMatch(/^s3:\/\/config-delivery\/org\/AWSLogs\/\d{12}\/Config\/[a-z0-9-]+\/.*\.json\.gz$/);
  });

  test("a bucket that cannot be listed is an error naming it; the other inputs are still scanned", async () => {
    const r = await scan(["s3://no-such-bucket/x/", fleet.snapshotFiles[0] as string]);
    expect(r.summary.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: "error",
          file: "s3://no-such-bucket/x/",
          message: expect.stringMatching(/^cannot list: NoSuchBucket/),
        }),
      ]),
    );
    expect(r.summary.files.read).toBe(1);
  });
});
