import { fsErrorInWords } from "../util/fs-errors";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { cloudFormationSource, type Origins } from "../cloudformation/document";
import { resolveTemplate, type ResolvedTemplate, type TemplateResource } from "../cloudformation/resolve";
import { TemplateError, looksLikeTemplate, parseTemplate, type ParsedTemplate } from "../cloudformation/template";
import { markTemplateDocument, type AnyEvaluation, type Engine } from "../engine/evaluate";
import { markTemplateResource } from "../engine/exemptions";
import { readSuppressions } from "../cloudformation/suppressions";
import type { Resource } from "../resources/adapter";
import { attachmentTypes, resourceAdapters, resourceIdentities } from "../resources/registry";
import type { InputProblem, ReportWriter, ScanSummary } from "../report/types";
import { ScanTally, emptyComplianceCounts } from "./tally";
import type { ScanProgress } from "./index";

/**
 * The template source of `guardrail scan`: CloudFormation templates (JSON or YAML, including what `serverless
 * package` writes to .serverless/) judged by the same policies, through each adapter's `fromCloudFormation`.
 * Every verdict carries the template file, line and column of the property it is about (the offending one for a
 * violation, the unknown one for UNKNOWN).
 */
export interface TemplateScanOptions {
  inputs: string[];
  engine: Engine;
  writer: ReportWriter;
  /** `--parameter Key=Value`: template parameters, and pseudo parameters such as `AWS::Region`. */
  parameters?: Record<string, string>;
  onProgress?: (p: ScanProgress) => void;
  /**
   * Files named explicitly that are not templates are skipped as a directory walk skips them, not reported: a
   * pre-commit hook hands over every staged JSON and YAML file, most of which are not templates.
   */
  skipNonTemplates?: boolean;
}

const TEMPLATE_EXTENSIONS = /\.(json|ya?ml|template|cfn)$/i;
const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git"]);

/**
 * Template files under the given paths. A file named explicitly is always read; in a directory (walked, skipping
 * node_modules and .git) only files with a template extension that turn out to be templates count, so a
 * repository root can be given as is.
 */
export async function listTemplateFiles(
  paths: string[],
): Promise<{ files: { path: string; explicit: boolean }[]; problems: InputProblem[] }> {
  const files: { path: string; explicit: boolean }[] = [];
  const problems: InputProblem[] = [];
  const visit = async (p: string, explicit: boolean): Promise<void> => {
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      problems.push({ level: "error", file: p, message: `cannot read: ${fsErrorInWords(e)}` });
      return;
    }
    if (st.isDirectory()) {
      const names = (await readdir(p)).sort();
      for (const name of names) {
        if (SKIPPED_DIRECTORIES.has(name)) continue;
        await visit(join(p, name), false);
      }
    } else if (explicit || TEMPLATE_EXTENSIONS.test(p)) {
      files.push({ path: p, explicit });
    }
  };
  for (const p of paths) await visit(p, true);
  return { files, problems };
}

/** `Key=Value` pairs into a map; a malformed one is a usage error (thrown). */
export function parseParameters(pairs: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf("=");
    if (i <= 0) throw new Error(`--parameter ${JSON.stringify(pair)} is not Key=Value`);
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

export interface TemplateResourceVerdicts {
  resource: TemplateResource;
  evaluations: AnyEvaluation[];
}

/**
 * Judges every resource of one resolved template: the pure step of a template scan (tests call it directly).
 * Resources of types no adapter reads from templates, or no policy covers, are reported to `notCovered`.
 */
export function judgeTemplate(
  resolved: ResolvedTemplate,
  engine: Engine,
  parameters: Record<string, string> = {},
  notCovered: (type: string, pointer: string) => void = () => undefined,
  onProblem: (p: InputProblem) => void = () => undefined,
): TemplateResourceVerdicts[] {
  const adapters = resourceAdapters();
  const attachments = attachmentTypes();
  const { parsed } = resolved;
  const known = new Set(engine.policies.map((p) => p.policy.id));
  const out: TemplateResourceVerdicts[] = [];
  for (const tr of resolved.resources) {
    // Inline suppressions are checked on every resource, judged or not: a typo must not wait for a policy.
    const { suppressions, problems } = readSuppressions(parsed, tr.logicalId, tr.pointer);
    for (const p of problems) {
      onProblem({
        level: "error",
        file: `${parsed.file}:${p.line}:${p.column}`,
        pointer: p.pointer,
        message: p.message,
      });
    }
    for (const s of suppressions) {
      if (known.has(s.policy)) continue;
      const at = parsed.map.locate(`${s.pointer}/policy`);
      onProblem({
        level: "warning",
        file: `${parsed.file}:${at.line}:${at.column}`,
        pointer: `${s.pointer}/policy`,
        message: `${tr.logicalId} suppresses "${s.policy}", which is not a policy of this scan (see guardrail explain)`,
      });
    }
    const adapter = adapters.get(tr.type);
    if (!adapter?.fromCloudFormation || !engine.coversType(tr.type)) {
      // An attachment (a bucket's policy, a function's permission) is judged with the resource it attaches to.
      if (!attachments.has(tr.type)) notCovered(tr.type, tr.pointer);
      continue;
    }
    const origins: Origins = new Map([["", `${tr.pointer}/Properties`]]);
    const document = adapter.fromCloudFormation(cloudFormationSource(tr, resolved.resources, origins));
    markTemplateDocument(document);
    const name = adapter.nameField === undefined ? undefined : document[adapter.nameField];
    const tags = document.tags;
    const resource: Resource = {
      type: tr.type,
      id: tr.logicalId,
      name: typeof name === "string" ? name : undefined,
      arn: undefined,
      accountId: parameters["AWS::AccountId"] ?? "",
      region: parameters["AWS::Region"] ?? "",
      tags:
        typeof tags === "object" && tags !== null
          ? Object.fromEntries(Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === "string"))
          : {},
      capturedAt: undefined,
      deleted: false,
      document,
    };
    markTemplateResource(resource, parsed.file, suppressions);
    const evaluations = engine.evaluateTemplate(resource);
    for (const e of evaluations) e.source = sourceOf(e, tr, origins, parsed);
    out.push({ resource: tr, evaluations });
  }
  return out;
}

/** Template file, pointer, line and column of what a verdict is about. */
function sourceOf(e: AnyEvaluation, tr: TemplateResource, origins: Origins, parsed: ParsedTemplate) {
  let pointer = e.unknown?.templatePointer || undefined;
  if (!pointer) {
    // The nearest document property the adapter recorded a template place for.
    let p = e.documentPointer ?? "";
    for (;;) {
      const hit = origins.get(p);
      if (hit !== undefined) {
        pointer = hit;
        break;
      }
      if (p === "") break;
      p = p.slice(0, p.lastIndexOf("/"));
    }
  }
  const at = pointer ?? tr.pointer;
  const loc = parsed.map.locate(at, { key: true });
  return { file: parsed.file, pointer: at, line: loc.line, column: loc.column };
}

/** Scans templates into the writer; the summary has the same shape as a snapshot scan's. */
export async function scanTemplateFiles(opts: TemplateScanOptions): Promise<ScanSummary> {
  const started = Date.now();
  const tally = new ScanTally();
  for (const p of opts.engine.policies) tally.data.byPolicy[p.policy.id] = emptyComplianceCounts();
  const parameters = opts.parameters ?? {};
  const { files, problems } = await listTemplateFiles(opts.inputs);
  const t = tally.data;
  t.problems.push(...problems);
  t.filesFailed += problems.filter((p) => p.level === "error").length;
  const used = new Set<string>();
  let declared = 0;

  for (let i = 0; i < files.length; i++) {
    const { path: file, explicit: named } = files[i] as { path: string; explicit: boolean };
    const explicit = named && opts.skipNonTemplates !== true;
    let parsed: ParsedTemplate;
    try {
      const text = await readFile(file, "utf8");
      t.bytes += Buffer.byteLength(text);
      parsed = parseTemplate(file, text);
    } catch (e) {
      // In a walked directory, a JSON or YAML file that is not a template (package.json, a workflow) is not an error.
      if (!explicit) continue;
      t.filesFailed++;
      t.problems.push({
        level: "error",
        file,
        message: e instanceof TemplateError ? e.message.replace(`${file}: `, "") : (e as Error).message,
      });
      continue;
    }
    if (!looksLikeTemplate(parsed.template)) {
      if (explicit) {
        t.filesFailed++;
        t.problems.push({ level: "error", file, message: "not a CloudFormation template (no Resources with a Type)" });
      }
      continue;
    }
    t.filesRead++;
    const resolved = resolveTemplate(parsed, parameters, resourceIdentities());
    declared++;
    for (const k of Object.keys(parameters)) if (!resolved.unusedParameters.includes(k)) used.add(k);
    for (const tr of resolved.resources) {
      t.itemsRead++;
      if (tr.undecidedCondition) {
        t.problems.push({
          level: "warning",
          file,
          pointer: tr.pointer,
          message: `${tr.logicalId} is created only if condition ${tr.undecidedCondition} holds, which is decided at deploy; judged as if created`,
        });
      }
    }
    const verdicts = judgeTemplate(
      resolved,
      opts.engine,
      parameters,
      (type, pointer) => tally.notCovered(type, file, pointer),
      (problem) => t.problems.push(problem),
    );
    for (const v of verdicts) {
      t.evaluated++;
      for (const e of v.evaluations) {
        tally.count(e);
        opts.writer.add(e);
      }
    }
    if (opts.writer.ready) await opts.writer.ready();
    opts.onProgress?.({ filesDone: i + 1, filesTotal: files.length, bytes: t.bytes, items: t.itemsRead });
  }
  if (declared > 0) {
    for (const k of Object.keys(parameters)) {
      if (!used.has(k) && !k.startsWith("AWS::")) {
        t.problems.push({
          level: "warning",
          file: opts.inputs.join(", "),
          message: `--parameter ${k}: no template scanned declares it`,
        });
      }
    }
  }

  const summary = tally.summary(opts.engine, opts.inputs, started);
  await opts.writer.finish(summary);
  return summary;
}
