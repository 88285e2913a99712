import { formatPath } from "../errors";
import { readFrontMatter, splitFrontMatter as splitBlock } from "../markdown/front-matter";
import { outline, plainText } from "./markdown";
import { FrontMatterSchema, type ParsedRunbook } from "./model";

/** Why a runbook file cannot be served; the loader lists it as invalid with this reason. */
export class RunbookError extends Error {}

const NO_FRONT_MATTER = 'no front matter: the file must start with a "---" line, then YAML (title: …), then "---"';
const NOT_CLOSED = 'front matter is not closed: add a "---" line after the YAML';

/** The runbook body: what follows the closing line, without the blank lines after it, LF line ends. */
const bodyOf = (text: string, bodyStart: number) => text.slice(bodyStart).replace(/\r\n/g, "\n").replace(/^\s*\n/, "");

/** `---\n<yaml>\n---\n<body>` → the YAML text and the body. The opening line must be the first line. */
export function splitFrontMatter(text: string): { yaml: string; body: string } {
  const fm = splitBlock(text);
  if (fm.kind === "none") throw new RunbookError(NO_FRONT_MATTER);
  if (fm.kind === "unclosed") throw new RunbookError(NOT_CLOSED);
  return { yaml: fm.yaml.replace(/\r?\n$/, "").replace(/\r\n/g, "\n"), body: bodyOf(text, fm.bodyStart.offset) };
}

/** One runbook from its slug and file text; throws RunbookError with a reason a person can act on. */
export function parseRunbook(slug: string, text: string): ParsedRunbook {
  const fm = readFrontMatter(text);
  if (fm.kind === "none") throw new RunbookError(NO_FRONT_MATTER);
  if (fm.kind === "unclosed") throw new RunbookError(NOT_CLOSED);
  if (fm.errors.length > 0) {
    const e = fm.errors[0];
    throw new RunbookError(`front matter is not valid YAML (front matter line ${e.yamlLine}, column ${e.yamlColumn}): ${e.message}`);
  }
  const raw = fm.data;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new RunbookError("front matter must be a YAML mapping (title: …, services: […])");
  const r = FrontMatterSchema.safeParse(raw);
  if (!r.success) {
    throw new RunbookError(`front matter: ${r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join("; ")}`);
  }
  const meta = r.data;
  const body = bodyOf(text, fm.bodyStart.offset);
  const { toc, checklist } = outline(body);
  return {
    slug,
    title: meta.title,
    services: meta.services,
    alerts: meta.alerts,
    severity: meta.severity,
    owner: meta.owner,
    lastReviewed: meta.last_reviewed,
    tags: meta.tags,
    steps: checklist.length,
    markdown: body,
    toc,
    checklist,
    text: plainText(body),
  };
}
