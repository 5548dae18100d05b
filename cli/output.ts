import { createWriteStream, statSync, type WriteStream } from "node:fs";
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
    return new OutputFile(path, stream, temp);
  }

  /** Flushes and moves the finished report into place. */
  async commit(): Promise<void> {
    this.stream.end();
    await finished(this.stream);
    if (this.temp) await rename(this.temp, this.path);
  }

  /** Drops an unfinished report; the previous file at `path`, if any, is left as it was. */
  async abort(): Promise<void> {
    this.stream.destroy();
    if (this.temp) await rm(this.temp, { force: true });
  }
}
