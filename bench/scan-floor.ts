import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

/**
 * The floor of a scan: what Node needs just to read, gunzip and JSON.parse the same snapshot files, one after the
 * other on one thread, nothing else. Run as a child process: `node dist/bench/scan-floor.js <dir>`; prints
 * `{"files":n,"items":n,"bytes":n}` so the parent can check it read what the scan reads.
 */
function walk(p: string, out: string[]): void {
  if (statSync(p).isDirectory()) {
    for (const name of readdirSync(p).sort()) walk(join(p, name), out);
  } else if (/\.json(\.gz)?$/i.test(p)) {
    out.push(p);
  }
}

function main(): void {
  const files: string[] = [];
  for (const p of process.argv.slice(2)) walk(p, files);
  let items = 0;
  let bytes = 0;
  for (const f of files) {
    let buf = readFileSync(f);
    bytes += buf.length;
    if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
    const data = JSON.parse(buf.toString("utf8")) as { configurationItems?: unknown[] };
    items += data.configurationItems?.length ?? 0;
  }
  process.stdout.write(JSON.stringify({ files: files.length, items, bytes }) + "\n");
}

if (require.main === module) main();
