/**
 * Drops exactly one process warning: the AWS SDK for JavaScript v3's NodeVersionSupportWarning.
 *
 * Why: on Node 20 every SDK client, when first constructed, calls
 * `process.emitWarning("NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) versions published after the
 * first week of January 2027 will require node >=22. ...")` (@aws-sdk/core, client/emitWarningIfUnsupportedVersion).
 * It is emitted as a plain string, so the warning's `name` is "Warning", it has no `code`, and the SDK's name for it
 * is the start of the message. Node's default listener prints it as an eight-line block on stderr in the middle of
 * `guardrail remediation …` output, which scripts and CI parse. package.json's engines already say which Node
 * versions Guardrail supports; the Lambdas run on nodejs22.x, where the SDK never emits it.
 *
 * How: Node prints warnings from its own 'warning' listener; adding a listener does not silence it. So the listeners
 * present now (Node's printer, and any a tool installed) are taken off and called again, in order, for every
 * warning except this one. Every other warning (deprecations, experimental features, other SDK messages) is printed
 * exactly as before. Not used: AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true, the SDK's own switch, because
 * setting it in process.env would also reach every child process the CLI starts; `--no-warnings` would drop all.
 *
 * Import this module before any module that constructs an SDK client (cli/main.ts imports it first, before loading
 * any command; the remediation commands also import it, for their tests).
 */

export const SDK_NODE_VERSION_WARNING = "NodeVersionSupportWarning";

/** The SDK's Node version warning, as emitted (message prefix) or should a future SDK give it its own name/code. */
export function isSdkNodeVersionWarning(warning: Error & { code?: unknown }): boolean {
  return (
    warning.name === SDK_NODE_VERSION_WARNING ||
    warning.code === SDK_NODE_VERSION_WARNING ||
    (typeof warning.message === "string" && warning.message.startsWith(`${SDK_NODE_VERSION_WARNING}:`))
  );
}

let installed = false;

/** Installs the filter once (idempotent). */
export function installAwsWarningFilter(): void {
  if (installed) return;
  installed = true;
  const previous = process.listeners("warning");
  process.removeAllListeners("warning");
  process.on("warning", (warning: Error) => {
    if (isSdkNodeVersionWarning(warning)) return;
    for (const listener of previous) listener.call(process, warning);
  });
}

installAwsWarningFilter();
