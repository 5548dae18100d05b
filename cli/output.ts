import { createWriteStream, rmSync, statSync, type WriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { basename, dirname, join } from "node:path";
import { UsageError } from "./pack-options";

/**
 * A report file. It is opened before any work, so a bad path is a usage error rather than a crash after the
 * scan; it is written beside its final name and renamed into place only when the report is complete, so a
 * failed run never leaves a truncated or empty report where the previous one was. Devices and pipes
 * (`/dev/null`, `/dev/stdout`) are written directly.
 */
export class OutputFile {
  /** Reports being written, so that an interrupted run can remove their temporary files (`abandonAll`). */
  private static readonly unfinished = new Set<OutputFile>();

  private constructor(
    readonly path: string,
    readonly stream: WriteStream,
    private readonly temp: string | undefined,
  ) {}

  static async open(path: string): Promise<OutputFile> {
    let special = false;
    try {
      special = !statSync(path).isFile();
    } catch {
      // does not exist yet: a regular file
    }
    const temp = special ? undefined : join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
    const stream = createWriteStream(temp ?? path);
    try {
      await once(stream, "open");
    } catch (e) {
      throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const file = new OutputFile(path, stream, temp);
    OutputFile.unfinished.add(file);
    return file;
  }

  /** Flushes and moves the finished report into place. */
  async commit(): Promise<void> {
    this.stream.end();
    await finished(this.stream);
    if (this.temp) await rename(this.temp, this.path);
    OutputFile.unfinished.delete(this);
  }

  /** Drops an unfinished report; the previous file at `path`, if any, is left as it was. */
  async abort(): Promise<void> {
    OutputFile.unfinished.delete(this);
    this.stream.destroy();
    if (this.temp) await rm(this.temp, { force: true });
  }

  /** On an interrupt, synchronously: every unfinished report's temporary file goes; the paths they name are untouched. */
  static abandonAll(): string[] {
    const paths: string[] = [];
    for (const file of OutputFile.unfinished) {
      file.stream.destroy();
      if (file.temp) rmSync(file.temp, { force: true });
      paths.push(file.path);
    }
    OutputFile.unfinished.clear();
    return paths;
  }
}
