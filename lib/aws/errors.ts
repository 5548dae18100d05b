/**
 * AWS errors by name. The SDK names a modelled error by its class (`NotFoundException`) and an unmodelled one by
 * the service's error code (`NoSuchBucketPolicy`), so the name is what every describe tests.
 */
export function errorName(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && typeof (e as { name?: unknown }).name === "string"
    ? (e as { name: string }).name
    : undefined;
}

/** The call's answer, or undefined when it fails with one of `absent` (the thing does not exist); other errors throw. */
export async function unlessAbsent<T>(call: Promise<T>, absent: readonly string[]): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    const name = errorName(e);
    if (name !== undefined && absent.includes(name)) return undefined;
    throw e;
  }
}
