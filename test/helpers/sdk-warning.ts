/**
 * Loaded by jest before every test file (jest.config.js setupFiles). On Node 20 the AWS SDK emits its
 * NodeVersionSupportWarning, eight lines of stderr, the first time a test file's code constructs a client: there
 * the SDK calls this test context's `process.emitWarning`, wrapped here to drop that one warning and pass on every
 * other. The CLI drops it with its own filter (cli/aws-warnings.ts), which tests exercise in child processes, where
 * this wrapper does not reach.
 */
const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const message = typeof warning === "string" ? warning : warning.message;
  if (message.startsWith("NodeVersionSupportWarning:")) return;
  emit(warning, ...rest);
}) as typeof process.emitWarning;
