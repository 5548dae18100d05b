import type { JsonSchema } from "../util/json";

/** Shared pieces of document schemas. */

export const tagsSchema: JsonSchema = {
  type: "object",
  description: "Resource tags as a key-value map.",
  additionalProperties: { type: "string" },
};

/** The text of a resource policy as the service returned it (what fixes edit); policies judge the parsed one. */
export const policyTextSchema: JsonSchema = {
  type: "string",
  description: "The policy exactly as the service returned it (JSON text). Judge the parsed policy instead.",
};

/** An IAM resource policy after normalisation (Statement, Action and Resource always lists). */
export const policyDocumentSchema: JsonSchema = {
  type: "object",
  properties: {
    Version: { type: "string" },
    Id: { type: "string" },
    Statement: {
      type: "array",
      items: {
        type: "object",
        properties: {
          Sid: { type: "string" },
          Effect: { enum: ["Allow", "Deny"] },
          Principal: {},
          NotPrincipal: {},
          Action: { type: "array", items: { type: "string" } },
          NotAction: { type: "array", items: { type: "string" } },
          Resource: { type: "array", items: { type: "string" } },
          NotResource: { type: "array", items: { type: "string" } },
          Condition: {
            type: "object",
            description: "Condition operator -> condition key -> value(s).",
            additionalProperties: { type: "object", additionalProperties: {} },
          },
        },
      },
    },
  },
};
