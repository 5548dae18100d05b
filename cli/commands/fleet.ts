import { generateFleet } from "../../fleet/generate";
import { EXIT } from "../exit";
import { Progress } from "../progress";

export interface FleetGenerateOptions {
  services: number;
  seed: number;
  out: string;
  violationRate: number;
}

export async function fleetGenerateCommand(opts: FleetGenerateOptions): Promise<number> {
  const progress = new Progress();
  const manifest = await generateFleet({
    services: opts.services,
    seed: opts.seed,
    outDir: opts.out,
    violationRate: opts.violationRate,
    onProgress: (done, total) => progress.update(`generating: ${done}/${total} snapshots`),
  });
  progress.done();
  process.stdout.write(
    `${manifest.resources.toLocaleString("en-US")} resources of ${opts.services} services in ${manifest.accounts.length} accounts and ${manifest.regions.length} regions\n` +
      `${manifest.snapshotFiles.length} Config snapshot files under ${manifest.outDir}/AWSLogs\n` +
      `${manifest.violations} violations planted (${manifest.exempt} exempt), listed in ${manifest.groundTruthFile}\n` +
      `next: guardrail scan --snapshot ${manifest.outDir}/AWSLogs\n`,
  );
  return EXIT.ok;
}
