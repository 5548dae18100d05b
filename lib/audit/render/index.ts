import type { AuditReport } from "../model";
import { renderCsv } from "./csv";
import { renderHtml } from "./html";
import { renderMarkdown } from "./markdown";

export const AUDIT_FORMATS = ["md", "html", "json", "csv"] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** The report in one of the audit's formats. */
export function renderAudit(r: AuditReport, format: AuditFormat): string {
  switch (format) {
    case "md":
      return renderMarkdown(r);
    case "html":
      return renderHtml(r);
    case "csv":
      return renderCsv(r);
    case "json":
      return JSON.stringify(r, null, 2) + "\n";
  }
}
