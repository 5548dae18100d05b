// @ts-check
import js from "@eslint/js";
import boundaries from "eslint-plugin-boundaries";
import tseslint from "typescript-eslint";

/**
 * The rooms of the house, from the bottom up (docs/ARCHITECTURE.md). A room may import its own files and the rooms
 * below it, never one above: `boundaries/dependencies` fails the lint (and so CI) on an arrow back up. Rooms on one
 * line are side by side: they may not import each other.
 */
/** @type {[string, string[]][][]} */
const ROOMS = [
  [["util", ["lib/util"]]],
  [["aws", ["lib/aws"]]],
  [["cloudtrail", ["lib/cloudtrail"]]],
  [["cloudformation", ["lib/cloudformation"]]],
  [["resources", ["lib/resources"]]],
  [["policy", ["lib/policy"]]],
  [["engine", ["lib/engine"]]],
  [
    ["detect", ["lib/detect"]],
    ["sources", ["lib/sources"]],
    ["report", ["lib/report"]],
  ],
  [["remediation", ["lib/remediation"]]],
  [["actions", ["remediations/actions"]]],
  [["planning", ["lib/remediation/planning"]]],
  [["remediation-worker", ["lib/remediation/worker"]]],
  [["pack", ["lib/pack"]]],
  [["lambda", ["lib/lambda"]]],
  [
    ["config-rule", ["lib/config-rule"]],
    ["scan", ["lib/scan"]],
    ["audit", ["lib/audit"]],
    ["fleet", ["fleet"]],
  ],
  [["handlers", ["rules", "events", "remediations"]]],
  [["local", ["lib/local"]]],
  [["cli", ["cli", "bin"]]],
];

// A pattern names a folder: the files under it. The deepest folder is tried first (lib/remediation/worker is a
// room of its own inside lib/remediation's).
const elements = ROOMS.flat()
  .flatMap(([type, patterns]) => patterns.map((pattern) => ({ type, pattern })))
  .sort((a, b) => b.pattern.length - a.pattern.length);
const policies = ROOMS.flatMap((level, i) =>
  level.map(([type]) => ({
    from: { element: { type } },
    allow: {
      to: {
        element: {
          types: {
            anyOf: [
              type,
              ...ROOMS.slice(0, i)
                .flat()
                .map(([t]) => t),
            ],
          },
        },
      },
    },
  })),
);

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "coverage/", ".serverless/", ".guardrail/", ".build/", "scratch/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: "readonly",
        module: "writable",
        __dirname: "readonly",
        process: "readonly",
        console: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["lib/**/*.ts", "cli/**/*.ts", "rules/**/*.ts", "events/**/*.ts", "remediations/**/*.ts", "fleet/**/*.ts"],
    plugins: { boundaries: /** @type {any} */ (boundaries) },
    settings: {
      "boundaries/elements": elements,
      "import/resolver": { node: { extensions: [".ts", ".js"] } },
    },
    rules: {
      // Type-only imports count too: a type from a room above is an arrow back up all the same.
      "boundaries/dependencies": ["error", { default: "disallow", policies }],
    },
  },
  {
    // Plain CommonJS entry points and config files.
    files: ["bin/**/*.js", "*.config.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
