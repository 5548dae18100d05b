import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/*
 * deploy:accounts for small estates: accounts deployed several at once, each line of their output prefixed with the
 * account, a failed account reported and the exit code 1. `npx` is replaced on PATH by a script that records its
 * arguments, so nothing reaches AWS.
 */

const requireJs = createRequire(__filename);
const ROOT = join(__dirname, "..");
const { deployAll, loadAccounts } = requireJs("../deploy/deploy-accounts.js") as {
  deployAll(
    accounts: unknown[],
    concurrency: number,
    run: (command: string, args: string[], prefix: string, env: Record<string, string>) => Promise<number>,
  ): Promise<string[]>;
  loadAccounts(file: string): { name: string }[];
};

const EXAMPLE = join(ROOT, "deploy", "accounts.example.json");

describe("deploy:accounts", () => {
  test("at most --concurrency accounts at once; each packages into its own directory, then deploys that package", async () => {
    const accounts = Array.from({ length: 7 }, (_, i) => ({
      ...loadAccounts(EXAMPLE)[0],
      name: `team-${i}`,
    }));
    let running = 0;
    let most = 0;
    const calls: string[] = [];
    const failed = await deployAll(accounts, 3, async (command, args, prefix, env) => {
      running++;
      most = Math.max(most, running);
      calls.push(`${prefix}${args[1]} ${args.at(-1)} ${env.GUARDRAIL_SKIP_BUNDLE}`);
      await new Promise((r) => setImmediate(r));
      running--;
      return prefix.includes("team-4") && args[1] === "deploy" ? 1 : 0;
    });
    expect(most).toBe(3);
    expect(failed).toEqual(["team-4"]);
    for (let i = 0; i < 7; i++) {
      const mine = calls.filter((c) => c.startsWith(`[team-${i}] `));
      expect(mine).toEqual([
        `[team-${i}] package .serverless/accounts/team-${i} 1`,
        `[team-${i}] deploy .serverless/accounts/team-${i} 1`,
      ]);
    }
  });

  test("a failed package skips that account's deploy", async () => {
    const accounts = loadAccounts(EXAMPLE);
    const calls: string[] = [];
    const failed = await deployAll(accounts, 4, async (_c, args, prefix) => {
      calls.push(`${prefix}${args[1]}`);
      return prefix.includes("orders-prod ") && args[1] === "package" ? 1 : 0;
    });
    expect(failed).toEqual(["orders-prod"]);
    expect(calls.filter((c) => c.startsWith("[orders-prod "))).toEqual([`[${"orders-prod".padEnd(21)}] package`]);
  });

  test("the command: output prefixed per account, a failure named, exit 1", () => {
    const bin = mkdtempSync(join(tmpdir(), "guardrail-npx-"));
    try {
      // Stands in for npx: prints two lines, fails for the us-east-1 account.
      writeFileSync(
        join(bin, "npx"),
        '#!/bin/sh\necho "serverless $2"\necho "to stderr" >&2\ncase "$*" in *orders-prod-us-east-1*) exit 1;; esac\nexit 0\n',
      );
      chmodSync(join(bin, "npx"), 0o755);
      const r = spawnSync(
        "node",
        ["deploy/deploy-accounts.js", "--file", EXAMPLE, "--skip-bundle", "--concurrency", "2"],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } },
      );
      expect(r.status).toBe(1);
      const out = r.stdout.split("\n");
      for (const name of ["payments-prod", "orders-prod", "orders-prod-us-east-1"]) {
        const prefix = `[${name.padEnd("orders-prod-us-east-1".length)}] `;
        expect(out).toContain(`${prefix}serverless package`);
        expect(r.stderr.split("\n")).toContain(`${prefix}to stderr`);
      }
      expect(out).toContain("[orders-prod-us-east-1] FAILED");
      expect(out).toContain("[payments-prod        ] deployed");
      expect(out).toContain("2 of 3 deployed; failed: orders-prod-us-east-1");
      // The failed account's deploy never ran.
      expect(out).not.toContain("[orders-prod-us-east-1] serverless deploy");
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test.each([["0"], ["x"], ["65"]])("--concurrency %s is a usage error (exit 2)", (n) => {
    const r = spawnSync("node", ["deploy/deploy-accounts.js", "--file", EXAMPLE, "--concurrency", n], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`deploy:accounts: --concurrency: "${n}" is not a whole number 1-64`);
  });
});
