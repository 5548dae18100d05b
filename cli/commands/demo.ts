import { join } from "node:path";
import { mkdir } from "node:fs/promises";
import { createReportWriter } from "../../lib/report";
import type { ReportWriter, ScanSummary } from "../../lib/report/types";
import type { Evaluation } from "../../lib/engine/evaluate";
import { scanConfigFiles } from "../../lib/scan";
import { generateFleet } from "../../fleet/generate";
import { createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { EXIT } from "../exit";
import { loadPack } from "../pack";
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
  const html = createWriteStream(htmlPath);
  const json = createWriteStream(jsonPath);
  const writers = [
    createReportWriter("html", { out: html, color: false }),
    createReportWriter("json", { out: json, color: false }),
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
  const summary = await scanConfigFiles({ inputs: [join(fleetDir, "AWSLogs")], engine, writer: tee(writers) });
  html.end();
  json.end();
  await Promise.all([finished(html), finished(json)]);
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
    process.stdout.write(`\nReports: ${htmlPath} (open in a browser), ${jsonPath}\n`);
    process.stdout.write(
      `Next: guardrail explain <policy-id>, guardrail scan --snapshot ${fleetDir}/AWSLogs --format sarif\n`,
    );
  }
  return summary.problems.some((p) => p.level === "error") ? EXIT.incomplete : EXIT.ok;
}
