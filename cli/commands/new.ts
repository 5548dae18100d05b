import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { findPolicyFiles } from "../../lib/policy/load";
import type { PolicyFile } from "../../lib/policy/types";
import { packageRoot } from "../../lib/util/package-root";
import { EXIT } from "../exit";
import { policyPaths, UsageError } from "../pack-options";
import { CLOUDTRAIL_SUBJECT, resourceTypeNamed } from "./schema";

const META_SCHEMA = join("policies", "policy.schema.json");

/** The npm package name Guardrail is installed under (its package.json), for the `node_modules/<name>/` path. */
function packageName(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { name: string }).name;
}

/** A path from `from` (a folder) to `to`, as a `$schema` value: forward slashes, starting with `.`. */
function relativeRef(from: string, to: string): string {
  const rel = relative(from, to).split(sep).join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

function isInside(dir: string, root: string): boolean {
  const rel = relative(root, dir);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * The `$schema` of a policy written in `dir`: a path relative to the file, which editors resolve from the file's
 * own folder. In Guardrail's own folder, its policies/policy.schema.json; in a repository that installs Guardrail,
 * the copy in its node_modules (the same path on every clone); otherwise (a global install, npx) the running
 * Guardrail's file, which is valid on this machine only (`stable` false).
 */
export function metaSchemaRef(dir: string): { ref: string; stable: boolean } {
  const abs = resolve(dir);
  const root = packageRoot();
  const own = join(root, META_SCHEMA);
  if (isInside(abs, root)) return { ref: relativeRef(abs, own), stable: true };
  const name = packageName();
  for (let d = abs; ; d = dirname(d)) {
    const installed = join(d, "node_modules", ...name.split("/"), META_SCHEMA);
    if (existsSync(installed)) return { ref: relativeRef(abs, installed), stable: true };
    if (dirname(d) === d) break;
  }
  return { ref: relativeRef(abs, own), stable: false };
}

/** The id rule of the meta-schema itself (its pattern, its forbidden pattern and its length). */
function idProblem(id: string): string | undefined {
  const meta = JSON.parse(readFileSync(join(packageRoot(), META_SCHEMA), "utf8")) as {
    properties: { id: { pattern: string; not: { pattern: string }; maxLength: number } };
  };
  const rule = meta.properties.id;
  if (
    id.length > rule.maxLength ||
    !new RegExp(rule.pattern, "u").test(id) ||
    new RegExp(rule.not.pattern, "u").test(id)
  ) {
    return `--id "${id}": must be lower-case words of letters and digits joined by single dashes, at most ${rule.maxLength} characters, e.g. sqs-queue-encrypted`;
  }
  return undefined;
}

/** The scaffold: valid against the meta-schema; what the author writes is marked TODO, and nothing is compliant yet. */
export function scaffold(
  type: string,
  id: string,
  severity: string,
  schemaRef: string,
): PolicyFile & { $schema: string } {
  const what = type.split("::").pop() ?? type;
  return {
    $schema: schemaRef,
    id,
    title: `TODO: what a compliant ${what} is, in a few words`,
    description: `TODO: what the policy checks, in words (\`guardrail schema ${type}\` lists the document's properties).`,
    rationale: "TODO: why it matters: the risk when a resource is not compliant.",
    severity: severity as PolicyFile["severity"],
    subject: { resourceTypes: [type] },
    compliant: {
      $comment: `TODO: replace "not" by the JSON Schema a compliant ${type} document satisfies; until then every resource fails.`,
      description: `TODO: the annotation of a failing ${what}, e.g. "the ${what.toLowerCase()} is not encrypted"`,
      not: {},
    },
    examples: {
      compliant: [{ name: `TODO: a compliant ${what}`, configuration: {} }],
      noncompliant: [{ name: `TODO: a noncompliant ${what}`, configuration: {} }],
    },
  };
}

export function newPolicyCommand(opts: {
  type: string;
  id: string;
  dir?: string;
  severity: string;
  pack?: string[];
}): number {
  // Registers extension packs' types, and names every policy file the project already has.
  const known = findPolicyFiles(
    policyPaths({ ...(opts.pack ? { pack: opts.pack } : {}) }).filter((p) => existsSync(p)),
  );
  if (opts.type.toLowerCase() === CLOUDTRAIL_SUBJECT) {
    throw new UsageError(
      "--type cloudtrail: CloudTrail policies are not scaffolded; start from policies/cloudtrail/cloudtrail-no-stop-logging.json",
    );
  }
  const adapter = resourceTypeNamed(opts.type);
  const idError = idProblem(opts.id);
  if (idError) throw new UsageError(idError);
  const taken = known.find((f) => basename(f, ".json") === opts.id);
  if (taken)
    throw new UsageError(
      `--id "${opts.id}": a policy with this id exists (${relative(process.cwd(), taken) || taken})`,
    );

  const dir = opts.dir ?? join("policies", adapter.service);
  const file = join(dir, `${opts.id}.json`);
  const { ref, stable } = metaSchemaRef(dir);
  const text = JSON.stringify(scaffold(adapter.type, opts.id, opts.severity, ref), null, 2) + "\n";
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(file, text, { flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new UsageError(`${file} exists; it was not overwritten`);
    throw e;
  }
  process.stdout.write(
    `wrote ${file}\n` +
      `next: write its TODO parts ("compliant", the examples' "configuration"; guardrail schema ${adapter.type} lists the properties),\n` +
      `      then: guardrail validate ${file} && guardrail test ${file}\n`,
  );
  if (!stable) {
    process.stderr.write(
      `note: "$schema" points into this machine's ${packageName()} install; with ${packageName()} in the repository's devDependencies it is node_modules/${packageName()}/${META_SCHEMA.split(sep).join("/")}, the same on every clone\n`,
    );
  }
  return EXIT.ok;
}
