import { generateFleet, type FleetScope } from "../../fleet/generate";
import { sampleFleetTemplate } from "../../fleet/template";
import { EXIT } from "../exit";
import { Progress } from "../progress";
import { writeFileAtomic } from "../../lib/util/atomic-file";
import { plural } from "../../lib/util/words";

export interface FleetGenerateOptions {
  services: number;
  seed: number;
  out: string;
  violationRate: number;
  scope: FleetScope;
}

export async function fleetGenerateCommand(opts: FleetGenerateOptions): Promise<number> {
  const progress = new Progress();
  const manifest = await generateFleet({
    services: opts.services,
    seed: opts.seed,
    outDir: opts.out,
    violationRate: opts.violationRate,
    scope: opts.scope,
    onProgress: (done, total) => progress.update(`generating: ${done}/${total} snapshots`),
  });
  progress.done();
  process.stdout.write(
    `${manifest.resources.toLocaleString("en-US")} resources of ${opts.services} services ` +
      `(${manifest.scope === "architecture" ? "the whole reference architecture" : "serverless slice"}) ` +
      `in ${manifest.accounts.length} accounts and ${manifest.regions.length} regions\n` +
      `${manifest.snapshotFiles.length} Config snapshot files under ${manifest.outDir}/AWSLogs\n` +
      `${manifest.violations} violations planted (${manifest.exempt} exempt), listed in ${manifest.groundTruthFile}\n` +
      `next: guardrail scan --snapshot ${manifest.outDir}/AWSLogs\n`,
  );
  return EXIT.ok;
}

export interface FleetTemplateOptions {
  services: number;
  seed: number;
  violations?: boolean;
  violationRate: number;
  out: string;
}

/** `guardrail fleet template`: the deployable sample fleet (docs/templates.md has the tour and its cost). */
export async function fleetTemplateCommand(opts: FleetTemplateOptions): Promise<number> {
  const { template, expected } = sampleFleetTemplate({
    services: opts.services,
    seed: opts.seed,
    violations: opts.violations === true,
    violationRate: opts.violationRate,
  });
  await writeFileAtomic(opts.out, JSON.stringify(template, null, 2) + "\n", { durable: true });
  const resources = Object.keys(template.Resources).length;
  const exempt = expected.filter((e) => e.compliance === "EXEMPT").length;
  process.stdout.write(
    `${resources} CloudFormation resources for ${plural(opts.services, "service")} written to ${opts.out}\n` +
      (opts.violations
        ? `${expected.length} violations planted (${exempt} exempt by tag)\n`
        : "a clean fleet: every policy should pass\n") +
      `next: guardrail scan --template ${opts.out}\n` +
      `deploy (costs money; see docs/templates.md): aws cloudformation deploy --template-file ${opts.out} ` +
      `--stack-name guardrail-sample-fleet --capabilities CAPABILITY_IAM ` +
      `--parameter-overrides DomainSuffix=<your zone> DomainCertificateArn=<ACM certificate ARN>\n`,
  );
  return EXIT.ok;
}
