import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { filesUnder } from "../../lib/util/files-under";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "guardrail-files-under-"));
  for (const f of ["a/b/one.json", "a/b/two.json.gz", "a/skip/three.json", "four.json", "a/c/five.txt"]) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), "{}");
  }
  symlinkSync(join(dir, "a"), join(dir, "link"));
  symlinkSync(join(dir, "four.json"), join(dir, "linked.json"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("filesUnder", () => {
  it("names files as path.join names them, whatever the root's spelling", () => {
    const want = ["a/b/one.json", "a/skip/three.json", "four.json"].map((f) => join(dir, f));
    for (const root of [dir, `${dir}/`, `${dir}/./a/..`]) expect(filesUnder(root, ".json").sort()).toEqual(want);
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      expect(filesUnder(".", ".json").sort()).toEqual(["a/b/one.json", "a/skip/three.json", "four.json"]);
      expect(filesUnder("./a/", ".json").sort()).toEqual(["a/b/one.json", "a/skip/three.json"]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("goes only into the folders `enter` allows, told each folder's parent", () => {
    const seen: string[] = [];
    const files = filesUnder(dir, ".json", (parent, name) => {
      seen.push(`${parent}/${name}`);
      return name !== "skip";
    });
    expect(files.map((f) => relative(dir, f)).sort()).toEqual(["a/b/one.json", "four.json"]);
    expect(seen.sort()).toEqual(["/a", "a/b", "a/c", "a/skip"]);
  });

  it("keeps names by their ending, and neither follows nor lists symbolic links", () => {
    expect(filesUnder(dir, ".json.gz").map((f) => relative(dir, f))).toEqual(["a/b/two.json.gz"]);
    expect(filesUnder(dir, ".json").some((f) => f.includes("link"))).toBe(false);
  });
});
