import {
  callsTo,
  mergeSecureTransportDeny,
  PlanError,
  PolicyMergeError,
  type AwsCall,
  type RemediationAction,
  type Resource,
} from "guardrail";
import type * as efsModule from "../services/elasticfilesystem";

const efs = callsTo<typeof efsModule>("elasticfilesystem");
const ID = "efs-tls-only-policy";
const DEFAULT_SID = "DenyUnencryptedTransport";

/**
 * What a file system without a policy allows, written out: every client that reaches a mount target may mount,
 * write and act as root (Amazon EFS User Guide, "Using IAM to control access to file systems": the default file
 * system policy). A policy holding only the Deny would take that away, so a file system without one gets this
 * statement and the Deny, as the console's "Enforce in-transit encryption for all clients" option writes them.
 */
const DEFAULT_POLICY_TEXT = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DefaultClientAccess",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["elasticfilesystem:ClientRootAccess", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientMount"],
      Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } },
    },
  ],
});

function field(resource: Resource, name: string): string {
  const v = resource.document[name];
  if (typeof v !== "string" || v === "") throw new PlanError(ID, `the document of ${resource.id} has no ${name}`);
  return v;
}

/** The policy text, or undefined when there is none; a policy known only parsed is refused (it would be rewritten). */
function policyText(resource: Resource, which: string): string | undefined {
  const t = resource.document.FileSystemPolicyText;
  if (typeof t === "string") return t;
  if (t !== undefined) throw new PlanError(ID, `the ${which}FileSystemPolicyText of ${resource.id} is not text`);
  if (resource.document.FileSystemPolicy !== undefined) {
    throw new PlanError(
      ID,
      `the ${which}document of ${resource.id} holds FileSystemPolicy only parsed, not as the text DescribeFileSystemPolicy returned (FileSystemPolicyText); refusing to write a policy rebuilt from its parsed form`,
    );
  }
  return undefined;
}

export const action: RemediationAction = {
  id: ID,
  resourceTypes: ["AWS::EFS::FileSystem"],
  description:
    'Adds a Deny of every action for every principal when aws:SecureTransport is "false" (Sid from params, default DenyUnencryptedTransport) to the file system policy with PutFileSystemPolicy: the statement is inserted into the text DescribeFileSystemPolicy returned and every other byte is kept; nothing is added when an equally broad Deny exists; a text a JSON reader could misread is refused, naming where. A file system without a policy gets the default access written out (Allow ClientRootAccess, ClientWrite, ClientMount through mount targets) and the Deny. Clients that mount without TLS (mount -o tls, the EFS mount helper) can no longer mount. Restore puts the recorded text back, or DeleteFileSystemPolicy when there was none.',
  params: {
    type: "object",
    additionalProperties: false,
    properties: { Sid: { type: "string", pattern: "^[A-Za-z0-9]+$" } },
  },
  checkParams(params) {
    const sid = params.Sid;
    return sid === undefined || (typeof sid === "string" && /^[A-Za-z0-9]+$/.test(sid))
      ? []
      : ["Sid must be letters and digits only"];
  },
  plan(resource, params): AwsCall[] {
    const problems = action.checkParams!(params);
    if (problems.length > 0) throw new PlanError(ID, `invalid params: ${problems.join("; ")}`);
    const FileSystemId = field(resource, "FileSystemId");
    const arn = field(resource, "Arn");
    const current = policyText(resource, "") ?? DEFAULT_POLICY_TEXT;
    let merged;
    try {
      merged = mergeSecureTransportDeny(current, {
        sid: typeof params.Sid === "string" ? params.Sid : DEFAULT_SID,
        action: "*",
        resource: arn,
      });
    } catch (e) {
      if (!(e instanceof PolicyMergeError)) throw e;
      throw new PlanError(ID, `the FileSystemPolicyText of ${resource.id} cannot be edited safely: ${e.message}`);
    }
    return merged.changed ? [efs("PutFileSystemPolicy", { FileSystemId, Policy: merged.text })] : [];
  },
  restore(before, after): AwsCall[] {
    const FileSystemId = field(before, "FileSystemId");
    const was = policyText(before, "before ");
    if (was === undefined) {
      return after.document.FileSystemPolicyText === undefined && after.document.FileSystemPolicy === undefined
        ? []
        : [efs("DeleteFileSystemPolicy", { FileSystemId })];
    }
    return was === after.document.FileSystemPolicyText
      ? []
      : [efs("PutFileSystemPolicy", { FileSystemId, Policy: was })];
  },
};
