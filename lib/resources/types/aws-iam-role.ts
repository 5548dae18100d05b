import type { GetRolePolicyResponse, GetRoleResponse, ListAttachedRolePoliciesResponse } from "@aws-sdk/client-iam";
import type { Described, ResourceAdapter } from "../adapter";
import { deployTimeValue, templatePolicyDocument, templateTags } from "../../cloudformation/document";
import type { TemplateResource } from "../../cloudformation/resolve";
import { UnknownValue } from "../../cloudformation/unknown";
import { normalisePolicyDocument } from "../coerce";
import { describedItem, plainObject } from "../described";
import { tagMap } from "../config-item";
import { policyDocumentSchema, tagsSchema } from "../schema-parts";
import { isObject, parseEmbeddedJson, type JsonObject, type JsonSchema } from "../../util/json";
import { baseEventName, eventSourceOf, recordAccount, refFromRecord, requestValue } from "../../cloudtrail/record";

/**
 * IAM role. Config records it as a global resource (awsRegion `global`; AWS Config Developer Guide, "Recording
 * global resource types"), resourceId = the role id (AROA…), resourceName = the role name, and a configuration with
 * the members of IAM's RoleDetail (GetAccountAuthorizationDetails) in camelCase: `path`, `roleName`, `roleId`,
 * `arn`, `createDate`, `assumeRolePolicyDocument` (URL-encoded JSON), `instanceProfileList`, `rolePolicyList
 * [{policyName, policyDocument}]` (documents URL-encoded), `attachedManagedPolicies [{policyArn, policyName}]`,
 * `permissionsBoundary {permissionsBoundaryArn, permissionsBoundaryType}` or null, `tags [{key, value}]` (Config
 * resource schema, awslabs/aws-config-resource-schema AWS::IAM::Role.properties.json; a recorded item:
 * test/fixtures/aws-recorded/README.md). GetRole and GetRolePolicy return the same URL-encoded documents (IAM API
 * Reference, Role and GetRolePolicy: "URL-encoded compliant with RFC 3986").
 *
 * The document carries the policies decoded and parsed (Statement, Action, Resource always lists). The documents of
 * attached managed policies are not part of it: Config's item names them only, and a managed policy is a resource
 * of its own (Config's AWS::IAM::Policy).
 */

/** IAM API Reference, CreateRole RoleName: 1 to 64 of `[\w+=,.@-]`. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** A role's unique id (IAM User Guide, "IAM identifiers", unique ID prefixes: AROA for a role). */
export const ROLE_ID = /^AROA[A-Z0-9]{12,124}$/;

/**
 * The text of a URL-encoded policy (RFC 3986 percent-encoding), or the text as it is when it holds a malformed
 * %-sequence: decodeURIComponent throws URIError on one, and an unreadable policy is kept, not lost.
 */
export function urlDecodedPolicyText(text: string): string {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A policy document as Config, GetRole or GetRolePolicy give it (URL-encoded JSON text; an object when a template or
 * a test gives one): the parsed, normalised document, or the text when it is not a JSON object (kept so that a
 * policy sees something is there). Undefined when there is none.
 */
export function rolePolicyDocument(v: unknown): JsonObject | string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string" && !isObject(v)) return undefined;
  const text = typeof v === "string" ? urlDecodedPolicyText(v) : undefined;
  const parsed = text === undefined ? v : parseEmbeddedJson(text);
  if (!isObject(parsed)) return text;
  const policy = normalisePolicyDocument(parsed);
  // A statement that is not an object is no IAM grammar: the document is kept as text, which no policy reads as a grant.
  const readable = Array.isArray(policy.Statement) && policy.Statement.every((s) => isObject(s));
  return readable ? policy : (text ?? JSON.stringify(v));
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Lists Config and the describe give in their own order, in one order: by name, then by ARN. */
function byName(key: string) {
  return (a: JsonObject, b: JsonObject) => {
    const [x, y] = [a[key], b[key]];
    if (typeof x !== "string" || typeof y !== "string") return 0;
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

function inlinePolicies(v: unknown): JsonObject[] {
  if (!Array.isArray(v)) return [];
  const out: JsonObject[] = [];
  for (const p of v) {
    if (!isObject(p)) continue;
    const policyName = str(p.policyName);
    if (!policyName) continue;
    const policyDocument = rolePolicyDocument(p.policyDocument);
    out.push({ policyName, ...(policyDocument !== undefined ? { policyDocument } : {}) });
  }
  return out.sort(byName("policyName"));
}

function managedPolicies(v: unknown): JsonObject[] {
  if (!Array.isArray(v)) return [];
  const out: JsonObject[] = [];
  for (const p of v) {
    if (!isObject(p)) continue;
    const policyArn = str(p.policyArn);
    if (!policyArn) continue;
    out.push({ policyArn, policyName: str(p.policyName) ?? policyArn.slice(policyArn.lastIndexOf("/") + 1) });
  }
  return out.sort(byName("policyArn")).sort(byName("policyName"));
}

function boundaryOf(v: unknown): JsonObject | undefined {
  if (!isObject(v)) return undefined;
  const arn = str(v.permissionsBoundaryArn);
  if (!arn) return undefined;
  return {
    permissionsBoundaryArn: arn,
    permissionsBoundaryType: str(v.permissionsBoundaryType) ?? "PermissionsBoundaryPolicy",
  };
}

const inlinePolicySchema: JsonSchema = {
  type: "object",
  properties: {
    policyName: { type: "string" },
    policyDocument: {
      anyOf: [policyDocumentSchema, { type: "string", description: "A policy that is not a JSON object, as given." }],
    },
  },
  required: ["policyName"],
};

export const adapter: ResourceAdapter = {
  type: "AWS::IAM::Role",
  service: "iam",
  nameField: "roleName",
  resourceIdPattern: ROLE_ID,
  arn: (_ref, doc) => (typeof doc.arn === "string" && doc.arn !== "" ? doc.arn : undefined),
  cloudFormation: { arnAttributes: ["Arn"], attachments: ["AWS::IAM::RolePolicy", "AWS::IAM::Policy"] },
  documentSchema: {
    type: "object",
    properties: {
      roleName: { type: "string" },
      roleId: { type: "string", description: "The role's unique id (AROA…), Config's resourceId." },
      arn: { type: "string" },
      path: { type: "string" },
      assumeRolePolicyDocument: {
        description: "The trust policy, decoded and parsed; the text as given when it is not a JSON object.",
        anyOf: [policyDocumentSchema, { type: "string" }],
      },
      rolePolicyList: {
        type: "array",
        description: "Inline policies, by name, their documents decoded and parsed.",
        items: inlinePolicySchema,
      },
      attachedManagedPolicies: {
        type: "array",
        description: "Attached managed policies, by name (their documents are not part of the role's).",
        items: {
          type: "object",
          properties: { policyArn: { type: "string" }, policyName: { type: "string" } },
          required: ["policyArn", "policyName"],
        },
      },
      permissionsBoundary: {
        type: "object",
        description: "Absent when the role has no permissions boundary.",
        properties: { permissionsBoundaryArn: { type: "string" }, permissionsBoundaryType: { type: "string" } },
      },
      tags: tagsSchema,
    },
    required: ["roleName", "rolePolicyList", "attachedManagedPolicies", "tags"],
  },
  fromConfigItem(item) {
    const cfg = item.configuration ?? {};
    const doc: JsonObject = {
      roleName: str(cfg.roleName) ?? item.resourceName ?? item.resourceId,
    };
    const roleId = str(cfg.roleId) ?? (ROLE_ID.test(item.resourceId) ? item.resourceId : undefined);
    if (roleId) doc.roleId = roleId;
    const arn = str(cfg.arn) ?? item.arn;
    if (arn) doc.arn = arn;
    const path = str(cfg.path);
    if (path) doc.path = path;
    const trust = rolePolicyDocument(cfg.assumeRolePolicyDocument);
    if (trust !== undefined) doc.assumeRolePolicyDocument = trust;
    doc.rolePolicyList = inlinePolicies(cfg.rolePolicyList);
    doc.attachedManagedPolicies = managedPolicies(cfg.attachedManagedPolicies);
    const boundary = boundaryOf(cfg.permissionsBoundary);
    if (boundary) doc.permissionsBoundary = boundary;
    doc.tags = { ...tagMap(cfg.tags), ...item.tags };
    return doc;
  },
  /**
   * Reads GetRole's Role, GetRolePolicy of each name ListRolePolicies gave (`GetRolePolicy`: their responses, in
   * order) and ListAttachedRolePolicies' AttachedPolicies (every page), in the places Config records them.
   */
  fromDescribe(
    described: Described & {
      GetRole: GetRoleResponse;
      GetRolePolicy?: GetRolePolicyResponse[];
      ListAttachedRolePolicies?: ListAttachedRolePoliciesResponse;
    },
  ) {
    const role = plainObject(plainObject(described.GetRole).Role);
    const inline = Array.isArray(described.GetRolePolicy) ? described.GetRolePolicy.map(plainObject) : [];
    const attached = plainObject(described.ListAttachedRolePolicies).AttachedPolicies;
    const boundary = isObject(role.PermissionsBoundary) ? role.PermissionsBoundary : undefined;
    const configuration: JsonObject = {
      path: role.Path,
      roleName: role.RoleName,
      roleId: role.RoleId,
      arn: role.Arn,
      assumeRolePolicyDocument: role.AssumeRolePolicyDocument,
      rolePolicyList: inline.map((p) => ({ policyName: p.PolicyName, policyDocument: p.PolicyDocument })),
      attachedManagedPolicies: (Array.isArray(attached) ? attached : []).map((p) =>
        isObject(p) ? { policyName: p.PolicyName, policyArn: p.PolicyArn } : {},
      ),
      permissionsBoundary: boundary
        ? {
            permissionsBoundaryArn: boundary.PermissionsBoundaryArn,
            permissionsBoundaryType: boundary.PermissionsBoundaryType,
          }
        : null,
    };
    return adapter.fromConfigItem(
      describedItem(described.ref, {
        configuration,
        tags: tagMap(role.Tags),
        resourceName: str(role.RoleName),
        arn: str(role.Arn),
      }),
    );
  },
  /**
   * The role is `requestParameters.roleName` of the role calls (IAM User Guide, "Logging IAM and AWS STS API calls
   * with AWS CloudTrail"; IAM API Reference of each action). CreateRole's `responseElements.role` also gives the
   * role id (Config's resourceId) and the ARN with its path; other calls name the role only, so the reference's id
   * is the role name and the describe finds the role by it.
   */
  fromCloudTrail(record) {
    if (eventSourceOf(record) !== "iam.amazonaws.com" || !ROLE_EVENTS.has(baseEventName(record))) return [];
    const name = requestValue(record, "roleName");
    if (!name || !ROLE_NAME.test(name)) return [];
    const response = isObject(record.responseElements) ? record.responseElements : {};
    const created = isObject(response.role) ? response.role : {};
    const roleId = str(created.roleId);
    const arn = str(created.arn);
    const account = recordAccount(record);
    const sameRole = arn !== undefined && arn.endsWith(`/${name}`) && arn.includes(`:${account}:role/`);
    return [
      refFromRecord(
        record,
        adapter.type,
        sameRole && roleId && ROLE_ID.test(roleId) ? roleId : name,
        sameRole ? arn : undefined,
      ),
    ];
  },
  /**
   * AWS::IAM::Role Properties (CloudFormation reference): RoleName, Path (`/` when absent), AssumeRolePolicyDocument
   * (a JSON object or its text), Policies [{PolicyName, PolicyDocument}], ManagedPolicyArns, PermissionsBoundary
   * (an ARN), Tags; and the inline policies other resources put on the role: AWS::IAM::RolePolicy (RoleName) and
   * AWS::IAM::Policy (Roles). Role id and ARN are known at deploy.
   */
  fromCloudFormation(src) {
    const { resource: r } = src;
    const base = `${r.pointer}/Properties`;
    const p = r.properties;
    const doc: JsonObject = {};
    doc.roleName =
      p.RoleName instanceof UnknownValue || typeof p.RoleName === "string"
        ? src.shape({ type: "string" }, p.RoleName, "/roleName", `${base}/RoleName`)
        : deployTimeValue(src, "the generated role name");
    doc.path = p.Path === undefined ? "/" : (src.shape({ type: "string" }, p.Path, "/path", `${base}/Path`) ?? "/");
    if (p.AssumeRolePolicyDocument !== undefined) {
      doc.assumeRolePolicyDocument = src.shape(
        policyDocumentSchema,
        templatePolicyDocument(p.AssumeRolePolicyDocument),
        "/assumeRolePolicyDocument",
        `${base}/AssumeRolePolicyDocument`,
      );
    }
    doc.rolePolicyList = templateInlinePolicies(p.Policies, base, src, [
      ...src.referencing("AWS::IAM::RolePolicy", "RoleName"),
      ...src.referencing("AWS::IAM::Policy", "Roles"),
    ]);
    doc.attachedManagedPolicies = templateManagedPolicies(p.ManagedPolicyArns, base, src);
    if (p.PermissionsBoundary !== undefined) {
      doc.permissionsBoundary = {
        permissionsBoundaryArn: src.shape(
          { type: "string" },
          p.PermissionsBoundary,
          "/permissionsBoundary/permissionsBoundaryArn",
          `${base}/PermissionsBoundary`,
        ),
        permissionsBoundaryType: "PermissionsBoundaryPolicy",
      };
    }
    doc.tags = templateTags(p.Tags);
    return doc;
  },
};

type Source = Parameters<NonNullable<ResourceAdapter["fromCloudFormation"]>>[0];

/** The role's own Policies, then those of the resources that put an inline policy on it; by name when all are known. */
function templateInlinePolicies(own: unknown, base: string, src: Source, attached: TemplateResource[]): unknown {
  if (own instanceof UnknownValue) return own;
  const entries: { name: unknown; document: unknown; pointer: string }[] = [];
  if (Array.isArray(own)) {
    own.forEach((p, i) => {
      if (isObject(p) && !(p instanceof UnknownValue))
        entries.push({ name: p.PolicyName, document: p.PolicyDocument, pointer: `${base}/Policies/${i}` });
    });
  }
  for (const a of attached) {
    entries.push({
      name: a.properties.PolicyName,
      document: a.properties.PolicyDocument,
      pointer: `${a.pointer}/Properties`,
    });
  }
  const out: JsonObject[] = entries.map((e, i) => {
    const policyName = src.shape(
      { type: "string" },
      e.name,
      `/rolePolicyList/${i}/policyName`,
      `${e.pointer}/PolicyName`,
    );
    const policyDocument = src.shape(
      policyDocumentSchema,
      templatePolicyDocument(e.document),
      `/rolePolicyList/${i}/policyDocument`,
      `${e.pointer}/PolicyDocument`,
    );
    return {
      policyName: policyName ?? deployTimeValue(src, "an inline policy name"),
      ...(policyDocument !== undefined ? { policyDocument } : {}),
    };
  });
  return out.every((p) => typeof p.policyName === "string") ? out.sort(byName("policyName")) : out;
}

function templateManagedPolicies(v: unknown, base: string, src: Source): unknown {
  if (v === undefined) return [];
  if (!Array.isArray(v))
    return src.shape({ type: "array" }, v, "/attachedManagedPolicies", `${base}/ManagedPolicyArns`);
  const out: JsonObject[] = v.map((arn, i) => {
    const at = `${base}/ManagedPolicyArns/${i}`;
    src.origin(`/attachedManagedPolicies/${i}`, at);
    if (typeof arn === "string") return { policyArn: arn, policyName: arn.slice(arn.lastIndexOf("/") + 1) };
    return {
      policyArn:
        arn instanceof UnknownValue
          ? arn
          : new UnknownValue("a managed policy ARN", at, [{ any: true, nonEmpty: true }]),
      policyName: new UnknownValue("the name of a managed policy whose ARN is known at deploy", at, [
        { any: true, nonEmpty: true },
      ]),
    };
  });
  return out.every((p) => typeof p.policyArn === "string")
    ? out.sort(byName("policyArn")).sort(byName("policyName"))
    : out;
}

const ROLE_EVENTS = new Set([
  "CreateRole", "DeleteRole", "UpdateRole", "UpdateRoleDescription", "UpdateAssumeRolePolicy",
  "PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy",
  "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary", "TagRole", "UntagRole",
]); // prettier-ignore
