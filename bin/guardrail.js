#!/usr/bin/env node
"use strict";
// The CLI is TypeScript compiled to dist/ by `npm run build` (run automatically by `npm ci` / `npm install`).
let cli;
try {
  cli = require("../dist/cli/main.js");
} catch (e) {
  if (e && e.code === "MODULE_NOT_FOUND" && String(e.message).includes("dist/cli/main.js")) {
    console.error("guardrail: not built yet; run `npm run build` (or `npm ci`) in the project first.");
    process.exit(2);
  }
  throw e;
}
// A reader that stops early (`guardrail audit --help | head`) closes the pipe: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e && e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}
cli.main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`guardrail: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 70;
  },
);
