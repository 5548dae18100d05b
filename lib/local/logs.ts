import { Console } from "node:console";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { Writable } from "node:stream";

/**
 * Where the handlers' Powertools logs go in local mode: a file under the state directory, not the terminal.
 * Powertools' Logger writes to the global `console` when POWERTOOLS_DEV is set and captures it when the logger
 * is built (at the handler module's scope). So the handlers are imported while `console` is a Console over a
 * switchable sink; every later run points the sink at its own file. Nothing else's console is touched.
 *
 * Writes are synchronous: the local pipeline runs on promises alone (no I/O wait between handler invocations),
 * so an asynchronous file stream would never get to flush and would buffer the whole run's logs in memory
 * (and lose what was still buffered when the run ends).
 */

export interface LogEntry {
  level?: string;
  message?: string;
  messageId?: string;
  error?: unknown;
  [key: string]: unknown;
}

let sink: { fd: number; onEntry?: (e: LogEntry) => void } | undefined;

const forward = new Writable({
  decodeStrings: false,
  write(chunk: Buffer | string, _encoding, done) {
    const s = sink;
    if (s) {
      const text = typeof chunk === "string" ? chunk : chunk.toString("utf8");
      writeSync(s.fd, text);
      if (s.onEntry) {
        try {
          s.onEntry(JSON.parse(text) as LogEntry);
        } catch {
          // not one JSON log line (a stray console.log): kept in the file only
        }
      }
    }
    done();
  },
});

export const handlerConsole = new Console({ stdout: forward, stderr: forward });

/** Runs `load` (the handlers' imports) with the global console set to the handler console. */
export async function withHandlerConsole<T>(load: () => Promise<T>): Promise<T> {
  const original = globalThis.console;
  globalThis.console = handlerConsole;
  try {
    return await load();
  } finally {
    globalThis.console = original;
  }
}

/**
 * Points the handlers' logs at `file` (appending), each entry also passed to `onEntry` (parsed); returns the
 * function that closes it.
 */
export function logTo(file: string, onEntry?: (e: LogEntry) => void): () => Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const mine = { fd: openSync(file, "a"), ...(onEntry ? { onEntry } : {}) };
  sink = mine;
  return () => {
    if (sink === mine) sink = undefined;
    closeSync(mine.fd);
    return Promise.resolve();
  };
}
