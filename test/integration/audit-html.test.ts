import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { generateTrail } from "../../fleet/trail";
import { renderAudit } from "../../lib/audit/render";
import { runAudit } from "../../lib/audit/run";
import { loadPack } from "../../lib/pack";

/**
 * The audit's HTML in a real headless browser (Debian's chromium, /usr/bin/chromium, driven by playwright-core,
 * a fresh profile, no network): it renders, logs no console error (a CSP violation would be one), draws its
 * charts, and every figure it shows (`data-figure` / `data-value`) equals the JSON report's.
 */

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A figure's value in the JSON report: `a.b.<key>.c` steps into arrays of `{key, ...}` by key. */
function figure(report: unknown, path: string, keys: string[]): unknown {
  let at: unknown = report;
  const parts = path.split(".");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    if (Array.isArray(at) && p !== "length") {
      // Keys may hold dots (none do today); take the longest known key that matches here.
      const rest = parts.slice(i).join(".");
      const key = keys.filter((k) => rest === k || rest.startsWith(`${k}.`)).sort((a, b) => b.length - a.length)[0];
      if (key === undefined) return undefined;
      at = (at as { key: string }[]).find((x) => x.key === key);
      i += key.split(".").length - 1;
    } else {
      at = (at as Record<string, unknown> | undefined)?.[p];
    }
  }
  return at;
}

let dir: string;
let context: BrowserContext;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "guardrail-audit-html-"));
  context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    offline: true,
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("audit HTML report in chromium", () => {
  it("renders without console errors, with its charts, and shows the JSON report's figures", async () => {
    await generateTrail({ seed: 21, outDir: join(dir, "trail"), days: 4, recordsPerDay: 200, recordsPerFile: 80 });
    const spec = {};
    const report = await runAudit({
      trail: join(dir, "trail"),
      records: join(dir, "trail", "records"),
      filters: {},
      pack: spec,
      engine: loadPack(spec).engine,
    });
    const html = join(dir, "audit.html");
    writeFileSync(html, renderAudit(report, "html"));
    const json = JSON.parse(renderAudit(report, "json")) as unknown;

    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`file://${html}`);
    await page.waitForLoadState("load");

    expect(await page.title()).toBe("Guardrail audit report");
    const headings = await page.locator("h2").allTextContents();
    for (const n of ["1.", "2.", "3.", "4.", "5.", "6.", "7."])
      expect(headings.some((h) => h.startsWith(n))).toBe(true);
    // Charts: violations over time, time to remediate by account, top principals, and the change breakdowns.
    const charts = await page.locator("figure svg").evaluateAll((svgs) =>
      svgs.map((s) => ({
        label: s.getAttribute("aria-label"),
        w: s.getBoundingClientRect().width,
        bars: s.querySelectorAll("rect").length,
      })),
    );
    for (const label of ["Violations over time", "Time to remediate by account"]) {
      const c = charts.find((x) => x.label === label);
      expect(c?.w).toBeGreaterThan(100);
      expect(c?.bars).toBeGreaterThan(0);
    }
    expect(charts.some((c) => c.label?.startsWith("Top principals") && c.bars > 0)).toBe(true);

    const figures = await page.locator("[data-figure]").evaluateAll((els) =>
      els.map((e) => ({
        path: e.getAttribute("data-figure") as string,
        value: e.getAttribute("data-value") as string,
        text: e.textContent,
      })),
    );
    const keys = [
      ...report.remediation.timeToRemediate.byAccount.map((s) => s.key),
      ...report.remediation.timeToRemediate.byTeam.map((s) => s.key),
      ...report.remediation.timeToRemediate.byPolicy.map((s) => s.key),
      ...report.actors.byKind.map((s) => s.key),
    ];
    expect(figures.length).toBeGreaterThan(20);
    for (const f of figures) {
      const want = figure(json, f.path, keys);
      expect({ path: f.path, value: Number(f.value) }).toEqual({ path: f.path, value: want });
    }
    // The headline cards show the numbers themselves, formatted.
    const card = (path: string) => figures.find((f) => f.path === path)?.text ?? "";
    expect(card("coverage.records")).toContain(report.coverage.records.toLocaleString("en-US"));
    expect(card("remediation.open")).toContain(String(report.remediation.open));
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
  }, 120_000);
});
