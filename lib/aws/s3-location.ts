/** `s3://bucket/prefix` read into its parts, or undefined for anything else (a local path). No SDK is loaded. */
export function s3Location(text: string): { bucket: string; prefix: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(text);
  return m ? { bucket: m[1] as string, prefix: m[2] ?? "" } : undefined;
}
