import { toBool, toNumber } from "./coerce";
import { isObject, type JsonObject, type JsonSchema } from "../util/json";

/**
 * Documents of types whose Config item records the CloudFormation resource's shape (PascalCase: ECR, ECS) while
 * their describes answer the same members in camelCase (`ImageTagMutability` / `imageTagMutability`). `readShaped`
 * reads a value as the document part `schema` describes: each listed property in either spelling, scalars coerced
 * to the schema's type, anything of another type or not listed left out, never guessed. So one schema gives one
 * document from either source, and a malformed member is dropped instead of thrown on.
 */
export function readShaped(schema: JsonSchema, value: unknown): unknown {
  const s = schema as { type?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema };
  switch (s.type) {
    case "boolean":
      return toBool(value);
    case "number":
    case "integer":
      return toNumber(value);
    case "string":
      return typeof value === "string" && value !== "" ? value : undefined;
    case "array":
      return Array.isArray(value)
        ? value.map((v) => readShaped(s.items ?? {}, v)).filter((v) => v !== undefined)
        : undefined;
    case "object": {
      if (!isObject(value)) return undefined;
      const out: JsonObject = {};
      for (const [name, sub] of Object.entries(s.properties ?? {})) {
        const camel = name.charAt(0).toLowerCase() + name.slice(1);
        const raw = Object.hasOwn(value, name) ? value[name] : Object.hasOwn(value, camel) ? value[camel] : undefined;
        const v = raw === null ? undefined : readShaped(sub, raw);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** `readShaped` of an object schema: always an object ({} for a value that is not one). */
export function readShapedObject(schema: JsonSchema, value: unknown): JsonObject {
  const v = readShaped(schema, value);
  return isObject(v) ? v : {};
}
