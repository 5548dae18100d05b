import { NoSuchBucket, NoSuchKey } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { FileWriter } from "./disk";

/**
 * Guardrail's audit bucket, locally: PutObject and GetObject on AUDIT_BUCKET, each object a file under the state
 * directory at its key (`<state>/records/account=…/region=…/date=…/<recordId>.json`, the layout of
 * lib/remediation/worker/s3-records.ts), so the records can be read with any tool and survive the run. Files are written by a
 * FileWriter (./disk.ts) off the loop's thread; until an object's file is written, GetObject answers from memory.
 * `flush` (the loop's flush points and close) waits until every object put so far is on disk.
 */
export class LocalBucket {
  readonly stats = { puts: 0, gets: 0 };
  /** file -> the object and its write's sequence number, until the file is written. */
  private readonly unsaved = new Map<string, { body: Buffer; seq: number }>();
  private readonly writer = new FileWriter();

  constructor(
    readonly name: string,
    readonly dir: string,
  ) {}

  /** Waits until every object put so far is written to its file. */
  async flush(): Promise<void> {
    await this.writer.flush();
    this.forgetWritten();
  }

  /** Flushes and stops the writer. */
  async close(): Promise<void> {
    await this.writer.close();
    this.forgetWritten();
  }

  private forgetWritten(): void {
    for (const [file, { seq }] of this.unsaved) {
      if (!this.writer.written(seq)) break; // in the order of the writes
      this.unsaved.delete(file);
    }
  }

  private fileOf(input: Record<string, unknown>): string {
    if (input.Bucket !== this.name) {
      throw new NoSuchBucket({ message: "The specified bucket does not exist", $metadata: { httpStatusCode: 404 } });
    }
    const key = String(input.Key ?? "");
    const file = resolve(this.dir, key);
    if (key === "" || !file.startsWith(resolve(this.dir) + sep)) {
      throw new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } });
    }
    return file;
  }

  async putObject(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const file = this.fileOf(input);
    const body = await bytes(input.Body);
    this.unsaved.delete(file); // re-inserted last: the map keeps the order of the writes
    this.unsaved.set(file, { body, seq: this.writer.write(file, body) });
    this.stats.puts++;
    this.forgetWritten();
    return { ETag: `"${createHash("md5").update(body).digest("hex")}"` };
  }

  getObject(input: Record<string, unknown>): Record<string, unknown> {
    const file = this.fileOf(input);
    const held = this.unsaved.get(file)?.body;
    if (!held && !existsSync(file)) {
      throw new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } });
    }
    const body = held ?? readFileSync(file);
    this.stats.gets++;
    // The SDK's streaming body: a Readable with transformToString / transformToByteArray.
    const stream = Object.assign(Readable.from([body]), {
      transformToString: async (encoding?: BufferEncoding) => body.toString(encoding ?? "utf8"),
      transformToByteArray: async () => new Uint8Array(body),
    });
    return {
      Body: stream,
      ContentLength: body.length,
      ContentType: "application/json",
      ETag: `"${createHash("md5").update(body).digest("hex")}"`,
    };
  }

  pathOf(key: string): string {
    return join(this.dir, key);
  }
}

async function bytes(body: unknown): Promise<Buffer> {
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  }
  if (body === undefined) return Buffer.alloc(0);
  throw new Error(`PutObject: unsupported Body type ${typeof body}`);
}
