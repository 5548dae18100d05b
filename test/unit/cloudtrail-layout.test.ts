import { isTrailLogKey, parseTrailKey, trailLogKey } from "../../lib/cloudtrail/layout";

// Key examples from the CloudTrail User Guide, "Finding your CloudTrail log files" and "Digest file structure".
describe("CloudTrail S3 key layout", () => {
  it("reads the User Guide's example key", () => {
    const key =
      "AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz";
    expect(parseTrailKey(key)).toEqual({
      prefix: "",
      orgId: undefined,
      accountId: "111122223333",
      kind: "CloudTrail",
      region: "us-east-2",
      date: "2015-08-01",
      file: "111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz",
    });
    expect(isTrailLogKey(key)).toBe(true);
  });

  it("reads organisation trails under a bucket prefix", () => {
    const k = parseTrailKey(
      "org/trails/AWSLogs/o-exampleorgid/111122223333/CloudTrail/eu-west-1/2026/11/02/111122223333_CloudTrail_eu-west-1_20261102T0005Z_abcdefghijklmnop.json.gz",
    );
    expect(k).toMatchObject({ prefix: "org/trails", orgId: "o-exampleorgid", accountId: "111122223333" });
  });

  it("tells digest and Insight files from log files", () => {
    const digest =
      "AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/01/111122223333_CloudTrail-Digest_us-east-2_trail_us-east-2_20150801T021500Z.json.gz";
    expect(parseTrailKey(digest)?.kind).toBe("CloudTrail-Digest");
    expect(isTrailLogKey(digest)).toBe(false);
    expect(isTrailLogKey("AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/notes.txt")).toBe(false);
    expect(parseTrailKey("AWSLogs/111122223333/Config/us-east-2/2015/8/1/x.json.gz")).toBeUndefined();
  });

  it("writes the key CloudTrail would write, and reads it back", () => {
    const key = trailLogKey({
      orgId: "o-exampleorgid",
      accountId: "111122223333",
      region: "us-east-1",
      deliveredAt: new Date("2026-11-02T09:07:41Z"),
      unique: "Mu0KsOhtH1ar15ZZ",
    });
    expect(key).toBe(
      "AWSLogs/o-exampleorgid/111122223333/CloudTrail/us-east-1/2026/11/02/111122223333_CloudTrail_us-east-1_20261102T0907Z_Mu0KsOhtH1ar15ZZ.json.gz",
    );
    expect(parseTrailKey(key)).toMatchObject({ date: "2026-11-02", region: "us-east-1" });
    expect(() => trailLogKey({ accountId: "1", region: "r", deliveredAt: new Date(), unique: "short" })).toThrow(/16/);
  });
});
