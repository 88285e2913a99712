import { parseDocument } from "yaml";
import { formatPath } from "../errors";
import { checklist, plainText, tableOfContents } from "./markdown";
import { FrontMatterSchema, type ParsedRunbook } from "./model";

/** Why a runbook file cannot be served; the loader lists it as invalid with this reason. */
export class RunbookError extends Error {}

/** `---\n<yaml>\n---\n<body>` → the YAML text and the body. The opening line must be the first line. */
export function splitFrontMatter(text: string): { yaml: string; body: string } {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== "---") throw new RunbookError('no front matter: the file must start with a "---" line, then YAML (title: …), then "---"');
  const end = lines.findIndex((l, i) => i > 0 && (l.trim() === "---" || l.trim() === "..."));
  if (end < 0) throw new RunbookError('front matter is not closed: add a "---" line after the YAML');
  return { yaml: lines.slice(1, end).join("\n"), body: lines.slice(end + 1).join("\n").replace(/^\s*\n/, "") };
}

/** One runbook from its slug and file text; throws RunbookError with a reason a person can act on. */
export function parseRunbook(slug: string, text: string): ParsedRunbook {
  const { yaml, body } = splitFrontMatter(text);
  const doc = parseDocument(yaml, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const where = e.linePos ? ` (front matter line ${e.linePos[0].line}, column ${e.linePos[0].col})` : "";
    throw new RunbookError(`front matter is not valid YAML${where}: ${e.message.split("\n")[0]}`);
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 50 });
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new RunbookError("front matter must be a YAML mapping (title: …, services: […])");
  const r = FrontMatterSchema.safeParse(raw);
  if (!r.success) {
    throw new RunbookError(`front matter: ${r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join("; ")}`);
  }
  const fm = r.data;
  const items = checklist(body);
  return {
    slug,
    title: fm.title,
    services: fm.services,
    alerts: fm.alerts,
    severity: fm.severity,
    owner: fm.owner,
    lastReviewed: fm.last_reviewed,
    tags: fm.tags,
    steps: items.length,
    markdown: body,
    toc: tableOfContents(body),
    checklist: items,
    text: plainText(body),
  };
}
