import { join } from "node:path";
import { mkdir, readFile } from "node:fs/promises";
import { createReportWriter } from "../../lib/report";
import type { ReportWriter, ScanSummary } from "../../lib/report/types";
import type { Evaluation } from "../../lib/engine/evaluate";
import { scanConfigFiles } from "../../lib/scan";
import { generateFleet } from "../../fleet/generate";
import { EXIT } from "../exit";
import { loadPack } from "../pack";
import { OutputFile } from "../output";
import { Progress } from "../progress";

export interface DemoOptions {
  services: number;
  seed: number;
  state: string;
  json?: boolean;
}

/** Fans one stream of evaluations out to several writers (the terminal table and the HTML report). */
function tee(writers: ReportWriter[]): ReportWriter {
  return {
    add: (e: Evaluation) => writers.forEach((w) => w.add(e)),
    ready: async () => {
      for (const w of writers) await w.ready?.();
    },
    finish: async (s: ScanSummary) => {
      for (const w of writers) await w.finish(s);
    },
  };
}

/**
 * The README's first command: generate the sample fleet and scan it, with a terminal summary and an HTML
 * report. (The local detect-and-remediate loop joins it as the local AWS account lands.)
 */
export async function demoCommand(opts: DemoOptions): Promise<number> {
  const err = (l: string) => process.stderr.write(l + "\n");
  const { engine, problems } = loadPack({}, err);
  if (problems.length > 0) return EXIT.usage;
  const fleetDir = join(opts.state, "fleet");
  const progress = new Progress();
  const manifest = await generateFleet({
    services: opts.services,
    seed: opts.seed,
    outDir: fleetDir,
    onProgress: (done, total) => progress.update(`generating the sample fleet: ${done}/${total} snapshots`),
  });
  progress.done();
  await mkdir(opts.state, { recursive: true });
  const htmlPath = join(opts.state, "report.html");
  const jsonPath = join(opts.state, "report.json");
  const html = await OutputFile.open(htmlPath);
  const json = await OutputFile.open(jsonPath);
  const writers = [
    createReportWriter("html", { out: html.stream, color: false }),
    createReportWriter("json", { out: json.stream, color: false }),
  ];
  if (!opts.json) {
    process.stdout.write(
      `Sample fleet: ${manifest.resources} resources of ${opts.services} microservices in ${manifest.accounts.length} accounts, ` +
        `${manifest.regions.length} regions (${manifest.snapshotFiles.length} AWS Config snapshots in ${fleetDir}/AWSLogs)\n\n`,
    );
    writers.push(
      createReportWriter("table", {
        out: process.stdout,
        color: process.stdout.isTTY === true && !process.env.NO_COLOR,
      }),
    );
  }
  const found = new Set<string>();
  writers.push({
    add: (e) => {
      if (e.compliance === "NON_COMPLIANT" || e.compliance === "EXEMPT") found.add(verdictKey(e));
    },
    finish: async () => undefined,
  });
  const summary = await scanConfigFiles({ inputs: [join(fleetDir, "AWSLogs")], engine, writer: tee(writers) });
  const agreement = await compareWithGroundTruth(manifest.groundTruthFile, found);
  await Promise.all([html.commit(), json.commit()]);
  if (opts.json) {
    process.stdout.write(
      JSON.stringify(
        {
          fleet: {
            resources: manifest.resources,
            services: opts.services,
            seed: opts.seed,
            snapshots: manifest.snapshotFiles.length,
            groundTruth: manifest.groundTruthFile,
          },
          violations: summary.byCompliance.NON_COMPLIANT,
          groundTruth: agreement,
          exempt: summary.byCompliance.EXEMPT,
          evaluations: summary.evaluations,
          violationsBySeverity: summary.violationsBySeverity,
          reports: { html: htmlPath, json: jsonPath },
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    const verdict =
      agreement.missed === 0 && agreement.unexpected === 0
        ? "the scan found exactly those"
        : `the scan missed ${agreement.missed} and reported ${agreement.unexpected} not planted`;
    process.stdout.write(
      `\nGround truth: ${agreement.planted} violations were planted in the fleet (${manifest.exempt} of them exempted by tag); ${verdict}.\n`,
    );
    process.stdout.write(`Reports: ${htmlPath} (open in a browser), ${jsonPath}\n`);
    process.stdout.write(
      `Next: guardrail explain <policy-id>, guardrail scan --snapshot ${fleetDir}/AWSLogs --format sarif\n`,
    );
  }
  if (summary.problems.some((p) => p.level === "error")) return EXIT.incomplete;
  return agreement.missed === 0 && agreement.unexpected === 0 ? EXIT.ok : EXIT.findings;
}

function verdictKey(e: { policyId: string; resourceType: string; resourceId: string; compliance: string }): string {
  return `${e.policyId}\u0000${e.resourceType}\u0000${e.resourceId}\u0000${e.compliance}`;
}

/** The demo checks itself: the fleet generator's planted violations against what the scan found. */
async function compareWithGroundTruth(
  file: string,
  found: Set<string>,
): Promise<{ planted: number; missed: number; unexpected: number }> {
  const truth = JSON.parse(await readFile(file, "utf8")) as { expected: Parameters<typeof verdictKey>[0][] };
  const planted = new Set(truth.expected.map(verdictKey));
  let missed = 0;
  for (const k of planted) if (!found.has(k)) missed++;
  let unexpected = 0;
  for (const k of found) if (!planted.has(k)) unexpected++;
  return { planted: planted.size, missed, unexpected };
}
