import {
  BatchImportFindingsCommand,
  type AwsSecurityFinding,
  type ImportFindingsError,
  type SecurityHubClient,
} from "@aws-sdk/client-securityhub";
import { clientFor } from "./clients";
import { errorName } from "./errors";
import { service as securityHub } from "./services/securityhub";

/**
 * Security Hub's BatchImportFindings, the one call Guardrail makes to it (API Reference, BatchImportFindings): at most
 * 100 findings a request; findings it refuses come back in FailedFindings (Id, ErrorCode, ErrorMessage) while the
 * rest are imported. A finding created or updated this way is the provider's; only BatchImportFindings from the same
 * account updates it ("BatchImportFindings for finding providers").
 */
export const MAX_FINDINGS_PER_CALL = 100;

export interface ImportLog {
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface ImportResult {
  /** BatchImportFindings requests sent (retries included). */
  calls: number;
  imported: number;
  /** Findings Security Hub still refused after one retry, or that a failed request carried. */
  failed: ImportFindingsError[];
}

/**
 * Imports findings in requests of at most 100. Findings refused in FailedFindings are sent once more (a refusal can
 * be a momentary limit); what is still refused, and every finding of a request that failed as a whole (Security Hub
 * not enabled in the Region, access denied), is logged by Id with its error and returned, never thrown: a Security
 * Hub outage must not undo the Config verdicts or the fix it reports.
 */
export async function importFindings(
  findings: readonly AwsSecurityFinding[],
  opts: { log: ImportLog; client?: SecurityHubClient },
): Promise<ImportResult> {
  const client = opts.client ?? clientFor(securityHub);
  const result: ImportResult = { calls: 0, imported: 0, failed: [] };
  const send = async (batch: AwsSecurityFinding[]): Promise<ImportFindingsError[]> => {
    result.calls++;
    try {
      const out = await client.send(new BatchImportFindingsCommand({ Findings: batch }));
      const failed = out.FailedFindings ?? [];
      result.imported += out.SuccessCount ?? batch.length - failed.length;
      return failed;
    } catch (e) {
      const code = errorName(e) ?? "Error";
      const message = e instanceof Error ? e.message : String(e);
      return batch.map((f) => ({ Id: f.Id, ErrorCode: code, ErrorMessage: message }));
    }
  };
  for (let i = 0; i < findings.length; i += MAX_FINDINGS_PER_CALL) {
    const batch = findings.slice(i, i + MAX_FINDINGS_PER_CALL);
    let failed = await send(batch);
    if (failed.length > 0) {
      const ids = new Set(failed.map((f) => f.Id));
      opts.log.warn("Security Hub refused findings; sending them once more", {
        count: failed.length,
        errorCodes: [...new Set(failed.map((f) => f.ErrorCode))],
      });
      failed = await send(batch.filter((f) => ids.has(f.Id)));
    }
    result.failed.push(...failed);
  }
  if (result.failed.length > 0) {
    // Every refused Id, grouped by error: the findings a later verdict will have to bring back.
    const byError: Record<string, { message: string | undefined; ids: (string | undefined)[] }> = {};
    for (const f of result.failed) {
      const group = (byError[f.ErrorCode ?? "Error"] ??= { message: f.ErrorMessage, ids: [] });
      group.ids.push(f.Id);
    }
    opts.log.error("Security Hub did not import findings", { count: result.failed.length, byError });
  }
  return result;
}
