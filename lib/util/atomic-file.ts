import writeFileAtomicAsync from "write-file-atomic";

/**
 * Writes a whole file or nothing: the data goes to a temporary file beside it, which is renamed over `path` once
 * complete (rename within one directory is atomic on POSIX file systems), and removed if the process is
 * interrupted (write-file-atomic cleans its temporary files on exit and on signals). A reader, or a run after a
 * Ctrl-C, sees the previous file or the new one, never half of one.
 *
 * `durable` also syncs the file to disk before the rename: for reports and state a person keeps, not for the many
 * small files a local run or a generated fleet writes, where the sync would cost more than the write.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  opts: { durable?: boolean } = {},
): Promise<void> {
  await writeFileAtomicAsync(path, typeof data === "string" ? data : Buffer.from(data), {
    fsync: opts.durable ?? false,
  });
}
