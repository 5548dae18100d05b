/**
 * The compliance frameworks a policy may map its controls to (`frameworks` in a policy file), with their names:
 * the policy meta-schema's `frameworks` properties are generated from this list (scripts/registries.mjs), and
 * `guardrail explain` prints the names.
 */
export const FRAMEWORKS: Readonly<Record<string, string>> = {
  "aws-foundational-security-best-practices": "AWS Foundational Security Best Practices",
  "cis-aws-foundations-benchmark-3.0.0": "CIS AWS Foundations Benchmark 3.0.0",
};
