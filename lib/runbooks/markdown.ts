import GithubSlugger from "github-slugger";
import type { ChecklistItem, TocEntry } from "./model";

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const TASK = /^\s*(?:[-*+]|\d+[.)])\s+\[([ xX])\]\s+(.*)$/;

/** Markdown inline syntax → the text a reader sees: links keep their text, markers go. */
export function plainInline(s: string): string {
  return s
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(\*|_)(\S(?:.*?\S)?)\1/g, "$2")
    .replace(/~~(.+?)~~/g, "$1")
    .replace(/`+([^`]*)`+/g, "$1")
    .replace(/\\([\\`*_{}[\]()#+\-.!])/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

type Line = { text: string; inCode: boolean };

function lines(markdown: string): Line[] {
  const out: Line[] = [];
  let fence: string | null = null;
  for (const text of markdown.split(/\r?\n/)) {
    const m = FENCE.exec(text);
    if (m) {
      if (fence === null) fence = m[1][0].repeat(m[1].length);
      else if (m[1].startsWith(fence)) fence = null;
      out.push({ text, inCode: true });
      continue;
    }
    out.push({ text, inCode: fence !== null });
  }
  return out;
}

/** Headings in order with the ids rehype-slug gives them (github-slugger over the heading's text). */
export function tableOfContents(markdown: string): TocEntry[] {
  const slugger = new GithubSlugger();
  const toc: TocEntry[] = [];
  for (const l of lines(markdown)) {
    if (l.inCode) continue;
    const m = HEADING.exec(l.text);
    if (!m) continue;
    const text = plainInline(m[2]);
    toc.push({ depth: m[1].length, text, id: slugger.slug(text) });
  }
  return toc;
}

/** Every task-list item (`- [ ]`, `- [x]`) outside code blocks, numbered from 0 in document order. */
export function checklist(markdown: string): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  for (const l of lines(markdown)) {
    if (l.inCode) continue;
    const m = TASK.exec(l.text);
    if (m) items.push({ index: items.length, text: plainInline(m[2]) });
  }
  return items;
}

/** The body as plain text for search and snippets (code blocks kept: commands are worth finding). */
export function plainText(markdown: string): string {
  return lines(markdown)
    .map((l) => {
      if (l.inCode) return FENCE.test(l.text) ? "" : l.text.trim();
      return plainInline(l.text.replace(/^\s{0,3}#{1,6}\s+/, "").replace(/^\s*(?:[-*+]|\d+[.)])\s+(\[[ xX]\]\s+)?/, "").replace(/^\s*>\s?/, "").replace(/^\s*\|/, "").replace(/\|/g, " "));
    })
    .filter((s) => s !== "" && !/^[-=:\s]+$/.test(s))
    .join("\n");
}
