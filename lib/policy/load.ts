import { fsErrorInWords } from "../util/fs-errors";
import { duplicateKeys, invalidUtf8 } from "./text-checks";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import type { ErrorObject } from "ajv";
import { closest } from "fastest-levenshtein";
import { resourceAdapters } from "../resources/registry";
import { cloudTrailRecordSchema } from "../cloudtrail/record-schema";
import { packageRoot } from "../util/package-root";
import { escapePointerToken, type JsonSchema } from "../util/json";
import { createMetaAjv, createPolicyAjv, type ValidateFunction } from "./ajv";
import { shortExampleProblem } from "./examples";
import { lintPolicySchema } from "./lint-schema";
import { frameworkFileProblems, frameworkProblems } from "./frameworks";
import { precompiledValidator } from "./precompiled";
import { JsonSourceMap } from "../util/source-map";
import { isCloudTrailPolicy, resourceTypesOf, type PolicyFile } from "./types";

/** A problem in a policy file, located for `file:line:col  /pointer  message` output. */
export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  pointer: string;
  message: string;
}

export interface CompiledPolicy {
  policy: PolicyFile;
  file: string;
  /** Omitted `applies` means every document of the subject types. */
  applies?: ValidateFunction;
  compliant: ValidateFunction;
}

export interface LoadResult {
  policies: CompiledPolicy[];
  problems: PolicyProblem[];
}

export function defaultPolicyDir(): string {
  return join(packageRoot(), "policies");
}

const addedPolicyDirs: string[] = [];

/** The policy folders of extension packs a bundled handler carries (docs/extending.md), loaded with the built-in ones. */
export function addPolicyDirs(dirs: readonly string[]): void {
  addedPolicyDirs.push(...dirs);
}

/** The built-in pack's folder and the extension packs' added with addPolicyDirs. */
export function defaultPolicyDirs(): string[] {
  return [defaultPolicyDir(), ...addedPolicyDirs];
}

/** Policy files under the given files or directories (recursively); meta-schemas (`*.schema.json`) are not policies. */
export function findPolicyFiles(paths: string[]): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) visit(join(p, name));
    } else if (p.endsWith(".json") && !p.endsWith(".schema.json")) {
      out.push(p);
    }
  };
  for (const p of paths) visit(p);
  return out;
}

let metaValidator: ValidateFunction | undefined;
function metaSchema(): ValidateFunction {
  if (!metaValidator) {
    const schema = JSON.parse(readFileSync(join(packageRoot(), "policies", "policy.schema.json"), "utf8")) as object;
    metaValidator = precompiledValidator("meta", schema) ?? createMetaAjv().compile(schema);
  }
  return metaValidator;
}

/** The members of a policy example of which it gives exactly one (policies/policy.schema.json, `$defs/example`). */
const EXAMPLE_FORMS = ["configurationItem", "cloudTrailEvent", "configuration"];

function isExampleFormError(e: ErrorObject): boolean {
  return e.keyword === "oneOf" && /^\/examples\/[A-Za-z]+\/\d+$/.test(e.instancePath);
}

/** An ajv error in words, for a policy author. */
export function metaMessage(e: ErrorObject): string {
  if (isExampleFormError(e)) {
    const several = Array.isArray(e.params.passingSchemas);
    return `${several ? "give only one" : "give one"} of configurationItem (a whole Config item), configuration (its configuration block alone) or cloudTrailEvent (a CloudTrail record)`;
  }
  // The id's rule is two keywords (a pattern V8 runs in linear time, and no "--"): one message for both.
  if (e.instancePath === "/id" && (e.keyword === "pattern" || e.keyword === "not")) {
    return "must be lower-case words of letters and digits joined by single dashes, e.g. sqs-queue-encrypted";
  }
  switch (e.keyword) {
    case "required":
      return `missing required property "${String(e.params.missingProperty)}"`;
    case "additionalProperties":
      return `unknown property "${String(e.params.additionalProperty)}"`;
    case "enum":
      return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return e.message ?? e.keyword;
  }
}

/**
 * Loads, checks and compiles policies. Every problem names its file, line, column and JSON pointer; a broken
 * policy is left out and the others still load, so one typo never hides the rest of the pack.
 */
export interface LoadOptions {
  /**
   * "lazy": compile each policy's validators on first use instead of now, and skip the authoring checks (the
   * meta-schema and the property lint). For Lambda handlers, which judge one or a few policies per invocation:
   * compiling and checking the whole pack at start-up dominated their cold start. Lazily loaded packs must be
   * ones `guardrail validate` has passed (the bundles are built from the validated pack in CI); a schema that
   * does not compile would fail at first use.
   */
  compile?: "eager" | "lazy";
  /**
   * Checks of a policy that need more than its file and the resource types (its remediation against the actions:
   * lib/pack/checks.ts), each problem placed at a pointer from the policy's root. Run once the policy has passed
   * the meta-schema, like the property lint; not in lazy mode.
   */
  check?(policy: PolicyFile): { pointer: string; message: string; key?: boolean }[];
}

export function loadPolicies(
  paths: string[] = defaultPolicyDirs(),
  cwd = process.cwd(),
  opts: LoadOptions = {},
): LoadResult {
  const problems: PolicyProblem[] = [];
  const policies: CompiledPolicy[] = [];
  // Built on first use: a handler whose validators are all precompiled (./precompiled.ts) never needs one.
  let ajv: ReturnType<typeof createPolicyAjv> | undefined;
  const policyAjv = () => (ajv ??= createPolicyAjv());
  const adapters = resourceAdapters();
  const seen = new Map<string, string>();
  if (opts.compile !== "lazy") problems.push(...frameworkFileProblems());

  for (const path of findPolicyFiles(paths)) {
    const file = relative(cwd, path) || path;
    let text: string;
    try {
      if (opts.compile === "lazy") {
        text = readFileSync(path, "utf8");
      } else {
        // Checked as bytes first: Node would replace what is not UTF-8 without a word.
        const bytes = readFileSync(path);
        const bad = invalidUtf8(bytes);
        if (bad) {
          problems.push({ file, ...bad, pointer: "", message: "not UTF-8: a policy file must be UTF-8 text" });
          continue;
        }
        text = bytes.toString("utf8");
      }
    } catch (e) {
      problems.push({ file, line: 1, column: 1, pointer: "", message: `cannot read: ${fsErrorInWords(e)}` });
      continue;
    }
    // JSON.parse first; the source map (a full syntax tree, ~2 ms a policy) is built only to place a problem, so a
    // Lambda's cold start does not pay it for a pack with none (measured: 75 of ~120 ms loading 33 policies).
    let policy: PolicyFile;
    try {
      policy = JSON.parse(text) as PolicyFile;
    } catch (e) {
      const { errors } = JsonSourceMap.parse(text);
      const located = errors[0] ?? {
        location: { line: 1, column: 1 },
        message: `JSON syntax error: ${(e as Error).message}`,
      };
      problems.push({ file, ...located.location, pointer: "", message: located.message });
      continue;
    }
    let map: JsonSourceMap | undefined;
    const report = (pointer: string, message: string, key = false) => {
      let loc = { line: 1, column: 1 };
      try {
        map ??= JsonSourceMap.parse(text).map;
        loc = map.locate(pointer, { key });
      } catch (e) {
        // A document nested deeper than the source map's parser can follow: placed by its pointer alone.
        if (!(e instanceof RangeError)) throw e;
      }
      problems.push({ file, line: loc.line, column: loc.column, pointer, message });
    };
    const before = problems.length;
    if (opts.compile !== "lazy") {
      // JSON.parse keeps the last of two equal keys: a second "severity" would change the policy unseen.
      for (const d of duplicateKeys(text)) {
        problems.push({
          file,
          line: d.line,
          column: d.column,
          pointer: d.pointer,
          message: "duplicate key: a key may appear once in an object",
        });
      }
      if (problems.length > before) continue;
    }

    const validate = opts.compile === "lazy" ? undefined : metaSchema();
    if (validate && !validate(policy)) {
      // oneOf failures repeat every branch's complaint, and an `if` the failing `then` it guards: keep the most
      // specific ones.
      const all = validate.errors ?? [];
      // An example's form (a Config item, a CloudTrail record, a configuration block) is one oneOf: said once, in
      // words, instead of one "missing" per form.
      const exampleForms = new Set(all.filter(isExampleFormError).map((e) => e.instancePath));
      const errs = all.filter(
        (e) =>
          isExampleFormError(e) ||
          (e.keyword !== "if" &&
            (e.keyword !== "oneOf" || all.length === 1) &&
            !(
              e.keyword === "required" &&
              exampleForms.has(e.instancePath) &&
              EXAMPLE_FORMS.includes(String(e.params.missingProperty))
            )),
      );
      for (const e of errs) {
        // An unknown key is placed at the key itself, not at the object that holds it.
        const extra = e.keyword === "additionalProperties" ? String(e.params.additionalProperty) : undefined;
        report(
          extra === undefined ? e.instancePath : `${e.instancePath}/${escapePointerToken(extra)}`,
          metaMessage(e),
          extra !== undefined,
        );
      }
      continue;
    }

    if (basename(path, ".json") !== policy.id) {
      report("/id", `id "${policy.id}" must equal the file name "${basename(path, ".json")}"`);
    }
    const earlier = seen.get(policy.id);
    if (earlier) report("/id", `duplicate policy id "${policy.id}" (also in ${earlier})`);
    seen.set(policy.id, file);
    if (opts.compile !== "lazy") {
      for (const kind of ["compliant", "noncompliant", "notApplicable"] as const) {
        (policy.examples[kind] ?? []).forEach((example, i) => {
          const problem = shortExampleProblem(policy, example);
          if (problem) report(`/examples/${kind}/${i}${problem.pointer}`, problem.message, problem.pointer !== "");
        });
      }
    }

    // The document schema each type's adapter publishes; CloudTrail policies see the record itself.
    const docs: { name: string; schema: JsonSchema }[] = [];
    if (isCloudTrailPolicy(policy)) {
      docs.push({ name: "CloudTrail record", schema: cloudTrailRecordSchema });
    } else {
      resourceTypesOf(policy).forEach((type, i) => {
        const adapter = adapters.get(type);
        if (adapter) docs.push({ name: type, schema: adapter.documentSchema });
        else {
          const hint = closest(type, [...adapters.keys()]);
          report(`/subject/resourceTypes/${i}`, `unknown resource type "${type}" (no adapter; did you mean ${hint}?)`);
        }
      });
    }
    for (const key of ["applies", "compliant"] as const) {
      const schema = policy[key];
      if (schema === undefined || opts.compile === "lazy") continue;
      const reported = new Set<string>();
      for (const doc of docs) {
        for (const p of lintPolicySchema(schema, doc.schema, doc.name)) {
          const id = p.pointer + p.message;
          if (!reported.has(id)) report(`/${key}${p.pointer}`, p.message, true);
          reported.add(id);
        }
      }
    }
    if (opts.compile !== "lazy") for (const p of frameworkProblems(policy)) report(p.pointer, p.message, p.key);
    if (opts.check && opts.compile !== "lazy") {
      for (const p of opts.check(policy)) report(p.pointer, p.message, p.key === true);
    }
    if (problems.length > before) continue;

    const compile = (key: "applies" | "compliant"): ValidateFunction | undefined => {
      const schema = policy[key] as object;
      if (opts.compile === "lazy") {
        return lazyValidator(() => precompiledValidator("policy", schema) ?? policyAjv().compile(schema));
      }
      try {
        // Precompiled for the built-in pack (scripts/precompile.mjs, bundles): only schemas that compiled there.
        return precompiledValidator("policy", schema) ?? policyAjv().compile(schema);
      } catch (e) {
        const why =
          e instanceof RangeError ? "it nests or refers to itself too deeply to compile" : (e as Error).message;
        report(`/${key}`, `does not compile: ${why}`);
        return undefined;
      }
    };
    const applies = policy.applies === undefined ? undefined : compile("applies");
    const compliant = compile("compliant");
    if (compliant && (policy.applies === undefined || applies)) {
      policies.push({ policy, file, ...(applies ? { applies } : {}), compliant });
    }
  }
  return { policies, problems };
}

/** A validator compiled on its first call; `errors` mirrors the compiled one's after each call. */
function lazyValidator(compile: () => ValidateFunction): ValidateFunction {
  let compiled: ValidateFunction | undefined;
  const validate = ((data: unknown) => {
    compiled ??= compile();
    const ok = compiled(data);
    validate.errors = compiled.errors;
    return ok;
  }) as ValidateFunction;
  validate.errors = null;
  return validate;
}

export function formatProblem(p: PolicyProblem): string {
  return `${p.file}:${p.line}:${p.column}  ${p.pointer || "/"}  ${p.message}`;
}
