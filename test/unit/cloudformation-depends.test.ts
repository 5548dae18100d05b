import { fleetResourceItems } from "../../fleet/generate";
import { dependsOn, replaceAt } from "../../lib/cloudformation/depends";
import { PARTITIONS, UnknownValue, type ShapePart } from "../../lib/cloudformation/unknown";
import { createPolicyAjv } from "../../lib/policy/ajv";
import { loadPolicies } from "../../lib/policy/load";
import { toConfigItem } from "../../lib/resources/config-item";
import { adapterFor } from "../../lib/resources/registry";
import type { JsonSchema } from "../../lib/util/json";

/*
 * Soundness of "the verdict does not depend on this unknown": every time dependsOn says so, the compiled policy
 * gives one verdict for every value we can think of within the unknown's shape. The documents are the sample
 * fleet's (every policy's subject, clean and violated), each string in them in turn made unknown with shapes
 * that keep some, all or none of its text.
 */

const { policies } = loadPolicies();
const ajv = createPolicyAjv();

/** Values an open part may take: edge cases for the pack's keywords (const "*", ^https://, -dlq$, minLength). */
const FILLERS = [
  "",
  "*",
  "x",
  "-dlq",
  "TLS_1_2",
  "Enabled",
  "https://a",
  "http://a",
  "arn:aws:wafv2:r",
  "arn:aws:sqs:q",
  "A B",
  "ENABLED",
  "true",
];

function witnesses(shape: readonly ShapePart[]): string[] {
  let out = [""];
  for (const p of shape) {
    if (typeof p === "string") out = out.map((s) => s + p);
    else if ("oneOf" in p) out = out.flatMap((s) => p.oneOf.slice(0, 3).map((o) => s + o));
    else out = out.flatMap((s) => FILLERS.filter((f) => !p.nonEmpty || f !== "").map((f) => s + f));
    if (out.length > 400) out = out.filter((_, i) => i % 3 === 0);
  }
  return out;
}

/** Every string leaf of a document, with its path. */
function stringLeaves(doc: unknown, path: string[] = [], out: { path: string[]; value: string }[] = []) {
  if (typeof doc === "string") out.push({ path, value: doc });
  else if (Array.isArray(doc)) doc.forEach((v, i) => stringLeaves(v, [...path, String(i)], out));
  else if (doc && typeof doc === "object") for (const [k, v] of Object.entries(doc)) stringLeaves(v, [...path, k], out);
  return out;
}

test("an unknown the verdict is said not to depend on never changes the verdict", () => {
  const { items } = fleetResourceItems({ services: 3, seed: 7, violationRate: 0.5 });
  let independent = 0;
  let dependent = 0;
  for (const raw of items) {
    const item = toConfigItem(raw);
    const adapter = adapterFor(item.resourceType);
    if (!adapter) continue;
    const doc = adapter.fromConfigItem(item);
    const judging = policies.filter(
      (p) => "resourceTypes" in p.policy.subject && p.policy.subject.resourceTypes.includes(item.resourceType),
    );
    for (const leaf of stringLeaves(doc)) {
      const shapes: ShapePart[][] = [
        [{ any: true, nonEmpty: false }],
        [leaf.value.slice(0, 4), { any: true, nonEmpty: true }],
        [leaf.value.slice(0, 8), { any: true, nonEmpty: false }, leaf.value.slice(-2)],
        ["arn:", { oneOf: PARTITIONS }, ":", { any: true, nonEmpty: true }],
      ];
      for (const shape of shapes) {
        const u = new UnknownValue("test", "", shape);
        for (const p of judging) {
          const schemas = [p.policy.applies, p.policy.compliant].filter((s): s is JsonSchema => s !== undefined);
          if (schemas.some((s) => dependsOn(s, leaf.path, u, replaceAt(doc, leaf.path, u)))) {
            dependent++;
            continue;
          }
          independent++;
          for (const schema of schemas) {
            const validate = ajv.compile(schema as object);
            const verdicts = new Set(witnesses(shape).map((w) => validate(replaceAt(doc, leaf.path, w))));
            if (verdicts.size !== 1) {
              throw new Error(
                `${p.policy.id} at /${leaf.path.join("/")} with ${JSON.stringify(shape)}: verdict changes`,
              );
            }
          }
        }
      }
    }
  }
  // Both answers occur, so the check above is not vacuous.
  expect(independent).toBeGreaterThan(1000);
  expect(dependent).toBeGreaterThan(100);
});

test("decisions on the shapes templates produce", () => {
  const u = (shape: ShapePart[]) => new UnknownValue("t", "", shape);
  const doc = (v: unknown) => ({ uri: v });
  const https = { properties: { uri: { type: "string", pattern: "^https://" } } };
  // A !Sub "https://${Host}/x" is always https; "http://${Host}" never; "${Scheme}://x" could be either.
  expect(dependsOn(https, ["uri"], u(["https://", { any: true, nonEmpty: true }, "/x"]), doc(null))).toBe(false);
  expect(dependsOn(https, ["uri"], u(["http://", { any: true, nonEmpty: true }]), doc(null))).toBe(false);
  expect(dependsOn(https, ["uri"], u([{ any: true, nonEmpty: true }, "://x"]), doc(null))).toBe(true);
  // An end-anchored pattern cannot be settled by a known start.
  const dlq = { properties: { uri: { pattern: "-dlq$" } } };
  expect(dependsOn(dlq, ["uri"], u(["orders", { any: true, nonEmpty: true }]), doc(null))).toBe(true);
  // A whole-value comparison above the unknown depends on it, unless known parts already differ.
  const constAbove = { properties: { c: { const: { StringEquals: { k: "NONE" } } } } };
  const unknownValue = u([{ any: true, nonEmpty: true }]);
  expect(
    dependsOn(constAbove, ["c", "StringEquals", "k"], unknownValue, { c: { StringEquals: { k: unknownValue } } }),
  ).toBe(true);
  expect(dependsOn(constAbove, ["c", "ArnLike", "k"], unknownValue, { c: { ArnLike: { k: unknownValue } } })).toBe(
    false,
  );
  // $ref and unknown keywords count as depending.
  expect(dependsOn({ properties: { uri: { $ref: "#/x" } } }, ["uri"], unknownValue, doc(unknownValue))).toBe(true);
});
