import { NoSuchBucket, NoSuchKey } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { Readable } from "node:stream";

/**
 * Guardrail's audit bucket, locally: PutObject and GetObject on AUDIT_BUCKET, each object a file under the state
 * directory at its key (`<state>/records/account=…/region=…/date=…/<recordId>.json`, the layout of
 * lib/aws/records.ts), so the records can be read with any tool and survive the run.
 */
export class LocalBucket {
  readonly stats = { puts: 0, gets: 0 };

  constructor(
    readonly name: string,
    readonly dir: string,
  ) {}

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
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
    this.stats.puts++;
    return { ETag: `"${createHash("md5").update(body).digest("hex")}"` };
  }

  getObject(input: Record<string, unknown>): Record<string, unknown> {
    const file = this.fileOf(input);
    if (!existsSync(file)) {
      throw new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } });
    }
    const body = readFileSync(file);
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
