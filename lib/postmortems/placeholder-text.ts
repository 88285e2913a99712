import type { PostmortemTemplate } from "./templates";

/**
 * A template's prompts ("_In two or three sentences: what happened…_"): whole-line italic
 * paragraphs inside a section (after the first `##` heading, before a `---` rule). Left as they
 * are, they mean the section was never written, so publishing asks first (lib/postmortems/service.ts).
 */
type Prompt = { pattern: RegExp };

const HEADING = /^(#{2,3})\s+(.+?)\s*#*\s*$/;
const ITALIC_LINE = /^(_[^_\s].*_|\*[^*\s].*\*)$/;
const RULE = /^(-{3,}|\*{3,}|_{3,})$/;
const MARK = "\u0000";

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The prompts of a template; a placeholder inside one matches whatever it was filled with. */
export function templatePrompts(template: Pick<PostmortemTemplate, "segments">): Prompt[] {
  const source = template.segments.map((s) => (s.kind === "text" ? s.text : MARK)).join("");
  const prompts: Prompt[] = [];
  let inSection = false;
  for (const raw of source.split("\n")) {
    const line = raw.trim();
    if (HEADING.test(line)) inSection = true;
    else if (RULE.test(line)) inSection = false;
    else if (inSection && ITALIC_LINE.test(line)) {
      prompts.push({ pattern: new RegExp(`^${line.split(MARK).map(escape).join(".*?")}$`) });
    }
  }
  return prompts;
}

/**
 * Sections of `body` that still hold a prompt of the template, by heading ("Root Cause",
 * "Lessons Learned › What went well"), in document order.
 */
export function sectionsWithPromptText(body: string, template: Pick<PostmortemTemplate, "segments">): string[] {
  const prompts = templatePrompts(template);
  if (prompts.length === 0) return [];
  const found: string[] = [];
  let h2: string | null = null;
  let h3: string | null = null;
  for (const raw of body.split("\n")) {
    const line = raw.trim();
    const heading = HEADING.exec(line);
    if (heading) {
      if (heading[1] === "##") [h2, h3] = [heading[2], null];
      else h3 = heading[2];
      continue;
    }
    if (RULE.test(line)) [h2, h3] = [null, null];
    if (h2 === null || !ITALIC_LINE.test(line) || !prompts.some((p) => p.pattern.test(line))) continue;
    const name = h3 ? `${h2} › ${h3}` : h2;
    if (!found.includes(name)) found.push(name);
  }
  return found;
}

const STATUS_ROW = /^(\|\s*Status\s*\|\s*)(investigating|identified|monitoring|resolved|closed)(\s*\|\s*)$/im;

/**
 * The body with its incident status line ("| Status | resolved |", drafted while the incident
 * was resolved) saying `status`, so the published text agrees with the page's header.
 */
export function withStatusLine(body: string, status: string): string {
  return body.replace(STATUS_ROW, (_m, a: string, _old: string, b: string) => `${a}${status}${b}`);
}
