import { DescribeFileSystemPolicyCommand, DescribeFileSystemsCommand } from "@aws-sdk/client-efs";
import { clientFor, errorName, unlessAbsent, type Describer } from "guardrail";
import { service as efs } from "../services/elasticfilesystem";

/**
 * A file system by id (Config's resourceId): DescribeFileSystems, then DescribeFileSystemPolicy, whose
 * PolicyNotFound means the file system has no policy (Amazon EFS API Reference, DescribeFileSystemPolicy Errors).
 * FileSystemNotFound from either: gone.
 */
export const describer: Describer = {
  type: "AWS::EFS::FileSystem",
  async describe(ref) {
    const client = clientFor(efs, ref.region);
    const out = await unlessAbsent(client.send(new DescribeFileSystemsCommand({ FileSystemId: ref.id })), efs.notFound);
    const fileSystem = out?.FileSystems?.find((f) => f.FileSystemId === ref.id);
    if (!fileSystem) return undefined;
    let policy: string | undefined;
    try {
      policy = (await client.send(new DescribeFileSystemPolicyCommand({ FileSystemId: ref.id }))).Policy;
    } catch (e) {
      const name = errorName(e);
      if (name === "FileSystemNotFound") return undefined;
      if (name !== "PolicyNotFound") throw e;
    }
    return {
      ref,
      DescribeFileSystems: { FileSystems: [fileSystem] },
      DescribeFileSystemPolicy: policy === undefined ? {} : { Policy: policy },
    };
  },
};
