/**
 * A file system error (Node's `ENOENT: no such file or directory, stat '/x'`) in words a user acts on, for the
 * messages that name a path: the path is said once, by the caller, and the reason plainly.
 */
const WORDS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "is a folder, not a file",
  EACCES: "permission denied",
  EPERM: "not permitted",
  EEXIST: "already exists",
  ENOSPC: "no space left on the device",
  EROFS: "the file system is read-only",
  EMFILE: "too many files open",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links (a link that leads to itself?)",
};

/** Node's system error, if `e` is one: its code and the path it was about. */
export function systemError(e: unknown): { code: string; path?: string } | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const { code, syscall, path } = e as { code?: unknown; syscall?: unknown; path?: unknown };
  if (typeof code !== "string" || typeof syscall !== "string" || !/^E[A-Z]+$/.test(code)) return undefined;
  return { code, ...(typeof path === "string" ? { path } : {}) };
}

/** The reason in words (`no such file or folder`), or the error's own message when it is not a known one. */
export function fsErrorInWords(e: unknown): string {
  const sys = systemError(e);
  const words = sys ? WORDS[sys.code] : undefined;
  return words ? `${words} (${sys?.code})` : e instanceof Error ? e.message : String(e);
}

/**
 * Any error in one line: a file system error in words (`fsErrorInWords`), an AWS SDK error as
 * `Name: message` (`AccessDenied: ...`, `NoSuchBucket: ...`), anything else as its message.
 */
export function errorInWords(e: unknown): string {
  if (systemError(e)) return fsErrorInWords(e);
  const name = e instanceof Error ? e.name : "";
  const message = e instanceof Error ? e.message : String(e);
  return name && name !== "Error" && !message.startsWith(name) ? `${name}: ${message}` : message;
}
