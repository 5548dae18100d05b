import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

describe("registry indexes", () => {
  it("are what scripts/registries.mjs writes for the module files there now", () => {
    const r = spawnSync("node", ["scripts/registries.mjs", "--check"], { cwd: ROOT, encoding: "utf8" });
    // A module added or removed without `npm run registries` leaves its folder's index stale: named here.
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  });
});
