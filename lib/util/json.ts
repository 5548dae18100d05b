/** A JSON Schema document (draft 2020-12). Kept loose on purpose: ajv validates the real structure. */
export type JsonSchema = boolean | { [keyword: string]: unknown };

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** RFC 6901 encoding of one reference token. */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

export function pointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => "/" + escapePointerToken(String(t))).join("");
}

/** Parses a JSON string value that AWS delivers encoded (policies, redrive policies); undefined if it is not JSON. */
export function parseEmbeddedJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
