import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { filesUnder } from "../lib/util/files-under";

/**
 * The demo as a newcomer runs it, through the built binary (dist/; build with `npx tsc -p tsconfig.build.json &&
 * node scripts/precompile.mjs`): the approval command it prints works as printed against the local account, undo
 * puts the fix back, one seed gives one set of figures, and `audit` and `replay` say what they found. No AWS
 * account and no credentials: the environment has none.
 */
const ROOT = join(__dirname, "..");
const BIN = join(ROOT, "bin", "guardrail.js");
/** Generous bound per command, so a hang fails the test instead of stalling it. */
const HANG_MS = 180_000;

function run(args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true", NO_COLOR: "1", USER: "newcomer" };
  for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AUDIT_BUCKET"])
    delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env, timeout: HANG_MS });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const json = <T>(text: string): T => JSON.parse(text) as T;

/** `remediation plan --local --resource`: what the local account's resource looks like to the policy now. */
function compliance(cwd: string, policy: string, resource: string): string {
  const r = run(["remediation", "plan", policy, "--local", "--resource", resource], cwd);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  return json<{ compliance: string }>(r.stdout).compliance;
}

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "cli", "commands", "demo.js"))) throw new Error("build dist/ first (see above)");
});

describe("guardrail demo, then remediation approve | undo against its local account", () => {
  let cwd: string;
  let story: string;

  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), "guardrail-demo-approve-"));
    const r = run(["demo", "--mode", "approve", "--no-approve"], cwd);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    story = r.stdout;
  }, HANG_MS);

  test("the printed approval command releases the fix as printed; the record and the account say so; undo reverts", () => {
    const line = /^.* (\S+) on (\S+): waiting for approval: (guardrail remediation approve \S+ --local)$/m.exec(story);
    expect(line).not.toBeNull();
    const [, policy, resource, command] = line as unknown as [string, string, string, string];
    expect(compliance(cwd, policy, resource)).toBe("NON_COMPLIANT");

    const approved = run(command.split(" ").slice(1), cwd);
    expect({ code: approved.code, stderr: approved.stderr }).toEqual({ code: 0, stderr: "" });
    const out = json<{ approvedBy: string; outcome: { recordId: string; outcome: string }; undo: string }>(
      approved.stdout,
    );
    expect(out.approvedBy).toBe("newcomer");
    expect(out.outcome.outcome).toBe("fixed");
    expect(compliance(cwd, policy, resource)).toBe("COMPLIANT");
    const recordFile = filesUnder(join(cwd, ".guardrail", "records"), ".json").find((f) =>
      f.endsWith(`${out.outcome.recordId}.json`),
    );
    const record = json<{ outcome: string; release: { approvedBy: string } }>(
      readFileSync(recordFile as string, "utf8"),
    );
    expect(record).toMatchObject({ outcome: "fixed", release: { approvedBy: "newcomer" } });

    // Approving again: the request is no longer waiting (the worker fixed it): exit 1, nothing changed.
    expect(run(command.split(" ").slice(1), cwd).code).toBe(1);

    const dry = run([...out.undo.split(" ").slice(1), "--dry-run"], cwd);
    expect({ code: dry.code, stderr: dry.stderr }).toEqual({ code: 0, stderr: "" });
    expect(json<{ dryRun: boolean; calls: unknown[] }>(dry.stdout)).toMatchObject({ dryRun: true });
    expect(compliance(cwd, policy, resource)).toBe("COMPLIANT");

    const undo = run(out.undo.split(" ").slice(1), cwd);
    expect({ code: undo.code, stderr: undo.stderr }).toEqual({ code: 0, stderr: "" });
    expect(json<{ ok: boolean }>(undo.stdout).ok).toBe(true);
    expect(compliance(cwd, policy, resource)).toBe("NON_COMPLIANT");
    // Twice: the resource no longer matches the record's after state, so undo refuses.
    expect(run(out.undo.split(" ").slice(1), cwd).code).toBe(1);
  });

  test("an unknown record id is a usage error naming it; no local account there is exit 3 naming the folder", () => {
    const unknown = "2026-11-02_409643555520_eu-west-1_0123456789abcdef";
    for (const sub of ["approve", "undo"]) {
      const r = run(["remediation", sub, unknown, "--local"], cwd);
      expect({ sub, code: r.code }).toEqual({ sub, code: 2 });
      expect(r.stderr).toContain(unknown);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    const empty = join(cwd, "no-demo-here");
    const r = run(["remediation", "approve", unknown, "--state", empty], cwd);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${empty}: no local account here`);
    // Without --local nothing is local: AWS settings are asked for, and --local suggested.
    const aws = run(["remediation", "approve", unknown], cwd);
    expect(aws.code).toBe(2);
    expect(aws.stderr).toContain("add --local");
  });

  test("replay names the policy that raised an alert, from a record of the demo's own trail", () => {
    const records = filesUnder(join(cwd, ".guardrail", "trail"), ".json.gz").flatMap(
      (f) => json<{ Records: Record<string, unknown>[] }>(gunzipSync(readFileSync(f)).toString("utf8")).Records,
    );
    const stop = records.find((r) => r.eventName === "StopLogging" && !r.errorCode);
    const update = records.find((r) => r.eventName === "UpdateDomainName" && !r.errorCode && r.readOnly === false);
    expect(stop ?? update).toBeDefined();
    const file = join(cwd, "event.json");
    writeFileSync(file, JSON.stringify(stop ?? update));
    const r = run(["replay", file], cwd);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(stop ? /alert raised by [a-z0-9-]+ \((critical|high|medium|low)\): "/ : /remediation request for [a-z0-9-]+: "/); // prettier-ignore
    const report = json<{ published: { kind: string; policyId: string }[] }>(
      run(["replay", file, "--json"], cwd).stdout,
    );
    expect(report.published.length).toBeGreaterThan(0);
    for (const p of report.published) expect(p.policyId).toMatch(/^[a-z0-9-]+$/);
  });

  test("audit: a wrong --trail or filters that keep no log file are exit 3, one line saying what was looked for where", () => {
    const trail = join(cwd, ".guardrail", "trail");
    const none = run(["audit", "--trail", trail, "--from", "2001-01-01", "--to", "2001-01-02"], cwd);
    expect(none.code).toBe(3);
    expect(none.stdout).toBe("");
    expect(none.stderr.trim().split("\n")).toEqual([
      `guardrail: nothing was read: no CloudTrail log file (AWSLogs/[o-id/]<account>/CloudTrail/<region>/yyyy/mm/dd/*.json.gz) under ${trail} from 2001-01-01, to 2001-01-02`,
    ]);
    const typo = run(["audit", "--trail", join(cwd, ".guardrail", "trial")], cwd);
    expect(typo.code).toBe(3);
    expect(typo.stderr.trim().split("\n")).toEqual([
      `guardrail: nothing was read: ${join(cwd, ".guardrail", "trial")}: no such directory`,
    ]);
    const empty = join(cwd, "empty-trail");
    mkdirSync(empty);
    const out = join(cwd, "audit.md");
    const e = run(["audit", "--trail", empty, "--out", out], cwd);
    expect(e.code).toBe(3);
    expect(e.stderr).toContain(`under ${empty}`);
    expect(existsSync(out)).toBe(false);
    expect(run(["audit", "--trail", trail, "--records", join(cwd, ".guardrail", "records")], cwd).code).toBe(0);
  });

  test("audit sample writes beside the demo's trail by default, never into it", () => {
    const trail = join(cwd, ".guardrail", "trail");
    const before = filesUnder(trail, "").sort();
    const r = run(["audit", "sample", "--days", "1", "--records-per-day", "5"], cwd);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(filesUnder(trail, "").sort()).toEqual(before);
    expect(readdirSync(join(cwd, ".guardrail", "sample-trail"))).toContain("AWSLogs");
  });
});

describe("guardrail demo, approving at the end of the day (the default)", () => {
  test(
    "prints an approve command only for a fix still waiting, and that command works as printed",
    () => {
      const cwd = mkdtempSync(join(tmpdir(), "guardrail-demo-default-"));
      const r = run(["demo", "--seed", "3"], cwd);
      expect(r.code).toBe(0);
      const approvals = r.stdout.indexOf("   Approvals: ");
      expect(approvals).toBeGreaterThan(0);
      // Before the demo's own approvals, the waiting fixes are named, not offered: the demo releases them itself.
      expect(r.stdout.slice(0, approvals)).not.toContain("guardrail remediation approve");
      expect(r.stdout.slice(0, approvals)).toContain("released at the end of the day");
      const suggested = /Approve one in this local account .*: guardrail remediation approve (\S+) --local$/m.exec(
        r.stdout,
      );
      expect(suggested).not.toBeNull();
      const approve = run(["remediation", "approve", suggested?.[1] ?? "", "--local"], cwd);
      expect({ code: approve.code, stderr: approve.stderr }).toEqual({ code: 0, stderr: "" });
    },
    2 * HANG_MS,
  );
});

describe("guardrail demo: one seed, one set of figures", () => {
  test(
    "two runs with the same seed give identical audit and time-to-remediate figures",
    () => {
      const figures = ["a", "b"].map(() => {
        const cwd = mkdtempSync(join(tmpdir(), "guardrail-demo-seed-"));
        const r = run(["demo", "--seed", "3", "--json"], cwd);
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
        const s = json<Record<string, unknown> & { audit: Record<string, unknown>; remediations: Record<string, unknown> }>(r.stdout); // prettier-ignore
        return { audit: s.audit, remediations: s.remediations, after: s.violationsAfter };
      });
      const [a, b] = figures as [(typeof figures)[0], (typeof figures)[0]];
      expect(a.audit.timeToRemediateMs).toMatchObject({ count: expect.any(Number) as number });
      expect((a.audit.timeToRemediateMs as { count: number }).count).toBeGreaterThan(0);
      expect(b).toEqual(a);
    },
    2 * HANG_MS,
  );
});
