import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { readFrontMatter } from "../markdown/front-matter";
import { END_TIME_PLACEHOLDERS, PLACEHOLDERS, isPlaceholder, suggestPlaceholder, type PlaceholderName } from "./catalogue";

export { END_TIME_PLACEHOLDERS, PLACEHOLDERS, PLACEHOLDER_NAMES, isPlaceholder, suggestPlaceholder } from "./catalogue";
export type { PlaceholderGroup, PlaceholderInfo, PlaceholderName } from "./catalogue";

/**
 * Postmortem templates (README "Alertmanager, push ingest, postmortem templates"): Markdown with `{{placeholder}}`s from a fixed catalogue,
 * validated when loaded so a typo is reported with file, line and column instead of leaking
 * into a draft.
 *
 * Syntax:
 * - `{{ name }}`: spaces and tabs inside the braces are ignored; the whole placeholder sits on
 *   one line. Names are dotted lower-case words (`incident.title`, `action_items.table`).
 * - `\{{` writes a literal `{{` (and a lone `}}` is just text).
 * - Optional YAML front matter between `---` lines at the very top: `title`, `description`.
 */

/** Largest template file, in bytes. */
export const MAX_TEMPLATE_BYTES = 256 * 1024;

/** Template names: the file's base name. */
export const TEMPLATE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export type TemplateSegment = { kind: "text"; text: string } | { kind: "placeholder"; name: PlaceholderName; line: number; column: number };

export type PostmortemTemplate = {
  name: string;
  title: string;
  description: string;
  builtIn: boolean;
  /** File it was loaded from (team templates), else null. */
  file: string | null;
  /** The body (front matter removed) as text and placeholders, in order. */
  segments: TemplateSegment[];
  /** Distinct placeholders used, in order of first use. */
  placeholders: PlaceholderName[];
  /** Those of `placeholders` that need the incident's end time. */
  needsEndTime: PlaceholderName[];
};

export type TemplateIssueCode =
  | "unknown_placeholder"
  | "malformed_placeholder"
  | "front_matter"
  | "empty"
  | "too_large"
  | "not_utf8"
  | "unreadable"
  | "bad_name"
  | "shadows_built_in"
  | "duplicate_name";

/** One problem in a template; `message` starts with `file:line:column: `. Lines and columns are 1-based. */
export type TemplateIssue = {
  code: TemplateIssueCode;
  file: string;
  line: number;
  column: number;
  message: string;
  /** The unknown placeholder as written (trimmed), for unknown_placeholder. */
  placeholder?: string;
  /** Nearest known placeholder, when one is close. */
  suggestion?: PlaceholderName;
};

export type ParseTemplateResult = { ok: true; template: PostmortemTemplate } | { ok: false; errors: TemplateIssue[] };

const NAME = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$/;
const FRONT_MATTER_KEYS = ["title", "description"] as const;

/** Line (1-based) and column (1-based) of offset `i` in `text`, given line starts. */
function position(lineStarts: number[], i: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: i - lineStarts[lo] + 1 };
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

type TemplateFrontMatter = { title?: string; description?: string; bodyStart: number };

function templateFrontMatter(source: string, issue: (code: TemplateIssueCode, offset: number, message: string) => void): TemplateFrontMatter {
  const block = readFrontMatter(source);
  if (block.kind === "none") return { bodyStart: 0 };
  if (block.kind === "unclosed") {
    issue("front_matter", 0, "front matter starts with --- but has no closing --- line");
    return { bodyStart: source.length };
  }
  const bodyStart = block.bodyStart.offset;
  if (block.errors.length > 0) {
    for (const e of block.errors) issue("front_matter", e.offset, `front matter is not valid YAML: ${e.message}`);
    return { bodyStart };
  }
  const value = block.data;
  if (value === null || value === undefined) return { bodyStart };
  if (typeof value !== "object" || Array.isArray(value)) {
    issue("front_matter", block.yamlStart.offset, "front matter must be a mapping, e.g. title: Payments postmortem");
    return { bodyStart };
  }
  const fm: TemplateFrontMatter = { bodyStart };
  const keyOffset = (key: string): number => block.keys.get(key)?.offset ?? block.yamlStart.offset;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(FRONT_MATTER_KEYS as readonly string[]).includes(key)) {
      issue("front_matter", keyOffset(key), `unknown front matter key "${key}": use ${FRONT_MATTER_KEYS.join(" or ")}`);
      continue;
    }
    const max = key === "title" ? 200 : 1000;
    if (typeof v !== "string" || v.trim() === "" || v.length > max) {
      issue("front_matter", keyOffset(key), `front matter ${key} must be text of 1 to ${max} characters`);
      continue;
    }
    fm[key as "title" | "description"] = v.trim();
  }
  return fm;
}

/**
 * Parses a template: optional front matter, then Markdown with placeholders. Every problem is
 * reported (not only the first), each with `file:line:column`. `file` defaults to `<name>.md`.
 */
export function parseTemplate(name: string, source: string, file?: string): ParseTemplateResult {
  const fileName = file ?? `${name}.md`;
  const text = source.startsWith("\uFEFF") ? source.slice(1) : source;
  const lineStarts = lineStartsOf(text);
  const errors: TemplateIssue[] = [];
  const issue = (code: TemplateIssueCode, offset: number, message: string, extra?: Pick<TemplateIssue, "placeholder" | "suggestion">): void => {
    const { line, column } = position(lineStarts, offset);
    errors.push({ code, file: fileName, line, column, message: `${fileName}:${line}:${column}: ${message}`, ...extra });
  };

  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_TEMPLATE_BYTES) {
    issue("too_large", 0, `template is ${bytes} bytes; templates may be at most ${MAX_TEMPLATE_BYTES} bytes (256 KiB)`);
    return { ok: false, errors };
  }

  const fm = templateFrontMatter(text, issue);
  const segments: TemplateSegment[] = [];
  let buffer = "";
  const flush = (): void => {
    if (buffer) segments.push({ kind: "text", text: buffer });
    buffer = "";
  };
  // Skip the blank line that usually follows the front matter.
  let i = fm.bodyStart > 0 && text.startsWith("\n", fm.bodyStart) ? fm.bodyStart + 1 : fm.bodyStart > 0 && text.startsWith("\r\n", fm.bodyStart) ? fm.bodyStart + 2 : fm.bodyStart;
  while (i < text.length) {
    const open = text.indexOf("{{", i);
    if (open < 0) {
      buffer += text.slice(i);
      break;
    }
    if (open > i && text[open - 1] === "\\") {
      buffer += text.slice(i, open - 1) + "{{";
      i = open + 2;
      continue;
    }
    buffer += text.slice(i, open);
    const lineEnd = text.indexOf("\n", open);
    const close = text.indexOf("}}", open + 2);
    if (close < 0 || (lineEnd >= 0 && close > lineEnd)) {
      issue("malformed_placeholder", open, "unclosed {{: a placeholder is {{name}} on one line (write \\{{ for literal braces)");
      buffer += "{{";
      i = open + 2;
      continue;
    }
    const inner = text.slice(open + 2, close).replace(/^[ \t]+|[ \t]+$/g, "");
    const { line, column } = position(lineStarts, open);
    if (!NAME.test(inner)) {
      const suggestion = inner ? suggestPlaceholder(inner.replace(/\s+/g, "_")) : undefined;
      issue(
        "malformed_placeholder",
        open,
        `malformed placeholder {{${inner}}}: names are dotted lower-case words like {{incident.title}}${suggestion ? `; did you mean {{${suggestion}}}?` : ""}`,
        suggestion ? { placeholder: inner, suggestion } : { placeholder: inner },
      );
    } else if (!isPlaceholder(inner)) {
      const suggestion = suggestPlaceholder(inner);
      issue(
        "unknown_placeholder",
        open,
        `unknown placeholder {{${inner}}}${suggestion ? `; did you mean {{${suggestion}}}?` : "; see the placeholder catalogue"}`,
        suggestion ? { placeholder: inner, suggestion } : { placeholder: inner },
      );
    } else {
      flush();
      segments.push({ kind: "placeholder", name: inner, line, column });
    }
    i = close + 2;
  }
  flush();

  if (errors.length === 0 && segments.every((s) => s.kind === "text" && s.text.trim() === "")) {
    issue("empty", fm.bodyStart, "template has no content");
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, errors };
  }
  const placeholders = [...new Set(segments.flatMap((s) => (s.kind === "placeholder" ? [s.name] : [])))];
  return {
    ok: true,
    template: {
      name,
      title: fm.title ?? name,
      description: fm.description ?? "",
      builtIn: false,
      file: file ?? null,
      segments,
      placeholders,
      needsEndTime: placeholders.filter((n) => PLACEHOLDERS[n].endTime),
    },
  };
}

/** Placeholders of `template` that need an end time (in order of first use). */
export function endTimePlaceholders(template: Pick<PostmortemTemplate, "placeholders">): PlaceholderName[] {
  return template.placeholders.filter((n) => (END_TIME_PLACEHOLDERS as readonly string[]).includes(n));
}

// ---------------------------------------------------------------------------------------------
// Built-in templates

const DEFAULT_SOURCE = `---
title: Blameless postmortem
description: The full blameless review. Focus on systems and decisions, not on people.
---
# Postmortem: {{incident.title}} (#{{incident.number}})

{{incident.drill_notice}}| | |
|---|---|
| Severity | {{incident.severity}} |
| Status | {{incident.status}} |
| Affected services | {{incident.services}} |
| Started | {{times.started}} |
| Detected | {{times.detected}} (MTTD {{durations.mttd}}) |
| Mitigated | {{times.mitigated}} |
| Resolved | {{times.resolved}} (MTTR {{durations.mttr}}) |
| Total duration | {{duration.total}} |

_This postmortem is blameless: it describes what the systems and the people in them did and why it made sense at the time. It names no one as the cause._

## Summary

{{incident.summary}}

_In two or three sentences: what happened, who was affected, and how it ended._

## Impact

{{impact.summary}}

{{impact.table}}

### Error budget

{{slo.table}}

_Add the impact the metrics cannot show: customers who contacted support, revenue, data affected, partners informed._

### Response

{{roles.table}}

{{durations.table}}

## Timeline

All times UTC.

{{timeline.entries}}

_Add anything that happened outside War Room (chat, phone calls, deploys) that matters for understanding the response._

## Root Cause

_Which conditions in the system made this possible? Keep asking "why" until you reach something the organisation can change. There is rarely a single root cause: list the contributing factors._

## Trigger

_What set the incident off: a deploy, a configuration change, a traffic spike, a dependency failing?_

## Resolution

_What stopped the impact, and what restored full service? Which mitigations were tried, and which worked?_

## Detection

_How was the incident noticed: an alert, a customer, a person looking at the board? Detection took {{durations.mttd}}. Could it have been noticed sooner, and what would have told us?_

## Action Items

{{action_items.table}}

_Each item has an owner and a due date. Prefer items that prevent a whole class of incidents over one-off fixes._

## Lessons Learned

### What went well

_Which tools, practices and decisions helped?_

### What went wrong

_Where did the response slow down or go in the wrong direction?_

### Where we got lucky

_What could have made this much worse but did not, by chance rather than by design?_

---

_Draft generated by War Room on {{generated_at}} from the template "{{template.name}}"._
`;

const SHORT_SOURCE = `---
title: Short postmortem
description: "One page for minor incidents: what happened, impact, timeline, follow-ups."
---
# {{incident.title}} (#{{incident.number}})

{{incident.drill_notice}}**{{incident.severity}}** · {{incident.services}} · {{times.started}} → {{times.resolved}} ({{duration.total}}) · MTTD {{durations.mttd}}, MTTR {{durations.mttr}} · IC: {{roles.commander}}

## What happened

{{incident.summary}}

_What broke, why, and what fixed it._

## Impact

{{impact.summary}}

{{slo.summary}}

## Timeline

{{timeline.pinned}}

## Follow-ups

{{action_items.table}}

_Draft generated on {{generated_at}}._
`;

function builtIn(name: string, source: string): PostmortemTemplate {
  const r = parseTemplate(name, source, `built-in:${name}`);
  if (!r.ok) throw new Error(`built-in template ${name} is invalid: ${r.errors.map((e) => e.message).join("; ")}`);
  return { ...r.template, builtIn: true, file: null };
}

export const DEFAULT_TEMPLATE_NAME = "default";

/** Built-in templates: `default` (blameless) and `short`. */
export const BUILT_IN_TEMPLATES: readonly PostmortemTemplate[] = [builtIn("default", DEFAULT_SOURCE), builtIn("short", SHORT_SOURCE)];

const BUILT_IN_NAMES = new Set(BUILT_IN_TEMPLATES.map((t) => t.name.toLowerCase()));

// ---------------------------------------------------------------------------------------------
// Team templates

export type InvalidTemplate = { file: string; errors: TemplateIssue[] };
export type TemplateDir = { templates: PostmortemTemplate[]; invalid: InvalidTemplate[] };

const utf8 = new TextDecoder("utf-8", { fatal: true });

function fileIssue(file: string, code: TemplateIssueCode, message: string): InvalidTemplate {
  return { file, errors: [{ code, file, line: 1, column: 1, message: `${file}:1:1: ${message}` }] };
}

/**
 * Team templates: every `*.md` file directly in `dir` (dot files, folders and symlinks skipped),
 * sorted by name. The template name is the file's base name (`payments-team.md` →
 * `payments-team`). A file that cannot be used is listed in `invalid` with its errors and does
 * not stop the others: unknown placeholders, bad front matter, not UTF-8, over 256 KiB, a name
 * that is not letters, digits, - and _, or one that shadows a built-in template (`default`,
 * `short`, compared case-insensitively, as are names among team templates). A missing folder
 * is no team templates. `file` in results is the file name relative to `dir`.
 */
export async function loadTemplateDir(dir: string): Promise<TemplateDir> {
  const out: TemplateDir = { templates: [], invalid: [] };
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return out;
    throw err;
  }
  const files = entries.filter((e) => e.isFile() && !e.name.startsWith(".") && e.name.endsWith(".md")).map((e) => e.name);
  files.sort();
  const seen = new Map<string, string>();
  for (const file of files) {
    const name = file.slice(0, -".md".length);
    if (!TEMPLATE_NAME.test(name)) {
      out.invalid.push(fileIssue(file, "bad_name", `template name "${name}" (the file name) must be letters, digits, - and _ (max 63), starting with a letter or digit`));
      continue;
    }
    if (BUILT_IN_NAMES.has(name.toLowerCase())) {
      out.invalid.push(fileIssue(file, "shadows_built_in", `template name "${name}" shadows the built-in template "${name.toLowerCase()}"; rename the file`));
      continue;
    }
    const clash = seen.get(name.toLowerCase());
    if (clash) {
      out.invalid.push(fileIssue(file, "duplicate_name", `template name "${name}" clashes with ${clash} (names are compared ignoring case)`));
      continue;
    }
    const r = await loadTemplateFile(join(dir, file), name, file);
    if (r.ok) {
      seen.set(name.toLowerCase(), file);
      out.templates.push(r.template);
    } else out.invalid.push({ file, errors: r.errors });
  }
  return out;
}

/** One template file: size and encoding checks, then {@link parseTemplate}. */
export async function loadTemplateFile(path: string, name: string, file: string): Promise<ParseTemplateResult> {
  try {
    const { size } = await stat(path);
    if (size > MAX_TEMPLATE_BYTES) return { ok: false, errors: fileIssue(file, "too_large", `file is ${size} bytes; templates may be at most ${MAX_TEMPLATE_BYTES} bytes (256 KiB)`).errors };
    const bytes = await readFile(path);
    if (bytes.length > MAX_TEMPLATE_BYTES) return { ok: false, errors: fileIssue(file, "too_large", `file is ${bytes.length} bytes; templates may be at most ${MAX_TEMPLATE_BYTES} bytes (256 KiB)`).errors };
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return { ok: false, errors: fileIssue(file, "not_utf8", "file is not valid UTF-8 text; save it as UTF-8").errors };
    }
    return parseTemplate(name, text, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code) return { ok: false, errors: fileIssue(file, "unreadable", `cannot read: ${code}`).errors };
    throw err;
  }
}

export type UnknownTemplate = { code: "unknown_template"; message: string; name: string; available: string[] };

/**
 * The template called `name` among the built-ins and `team` (exact name), or an
 * `unknown_template` problem listing the available names.
 */
export function findTemplate(name: string, team: readonly PostmortemTemplate[] = []): { ok: true; template: PostmortemTemplate } | { ok: false; error: UnknownTemplate } {
  const all = [...BUILT_IN_TEMPLATES, ...team];
  const found = all.find((t) => t.name === name);
  if (found) return { ok: true, template: found };
  const available = all.map((t) => t.name);
  return { ok: false, error: { code: "unknown_template", name, available, message: `unknown postmortem template "${name}": use one of ${available.join(", ")}` } };
}
