import { toBool, toNumber } from "./coerce";
import { isObject, type JsonObject, type JsonSchema } from "../util/json";

/**
 * Documents read from a fixed table of fields, for types whose sources spell one member several ways: AWS Config's
 * Java-bean camelCase for RDS (`dBInstanceIdentifier`, `iAMDatabaseAuthenticationEnabled`, and for clusters
 * `dbclusterIdentifier`, `iamdatabaseAuthenticationEnabled`), the API's PascalCase (`DBInstanceIdentifier`) in a
 * describe, and the document's own camelCase. Each value is coerced to the field's type; a value of another type is
 * left out, never guessed.
 */
export interface Field {
  type: "string" | "boolean" | "number";
  /** Every spelling the sources use, first match wins. */
  spellings: readonly string[];
  description?: string;
}

export type FieldTable = Readonly<Record<string, Field>>;

export function readFields(table: FieldTable, cfg: JsonObject): JsonObject {
  const doc: JsonObject = {};
  for (const [name, field] of Object.entries(table)) {
    let raw: unknown;
    for (const s of [name, ...field.spellings]) {
      if (cfg[s] !== undefined && cfg[s] !== null) {
        raw = cfg[s];
        break;
      }
    }
    const v =
      field.type === "boolean"
        ? toBool(raw)
        : field.type === "number"
          ? toNumber(raw)
          : typeof raw === "string" && raw !== ""
            ? raw
            : undefined;
    if (v !== undefined) doc[name] = v;
  }
  return doc;
}

export function fieldSchemas(table: FieldTable): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(table).map(([name, f]) => [
      name,
      f.description ? { type: f.type, description: f.description } : { type: f.type },
    ]),
  );
}

/** The object inside a response list's first element (`DBInstances[0]`), or {} when there is none. */
export function firstOf(list: unknown): JsonObject {
  return Array.isArray(list) && isObject(list[0]) ? list[0] : {};
}
