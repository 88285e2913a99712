import type { Element, Root as HastRoot } from "hast";
import type { Nodes as MdastNodes } from "mdast";
import { headingRank } from "hast-util-heading-rank";
import { toString as hastText } from "hast-util-to-string";
import { toString as mdastText } from "mdast-util-to-string";
import { SKIP, visit } from "unist-util-visit";
import { documentProcessor } from "../markdown/pipeline";
import type { ChecklistItem, TocEntry } from "./model";

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

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

/** What a reader sees of some inline Markdown: text, code and image alt text, without raw HTML. */
const readable = (node: MdastNodes) => mdastText(node, { includeHtml: false }).replace(/\s+/g, " ").trim();

/**
 * Headings (ids as rehype-slug gives them) and task-list steps, read from the trees the runbook
 * view renders: each `- [ ]` list item there draws exactly one checkbox, in document order, so a
 * step's index is the index of the checkbox a reader sees.
 */
export function outline(markdown: string): { toc: TocEntry[]; checklist: ChecklistItem[] } {
  const mdast = documentProcessor.parse(markdown);
  const checklist: ChecklistItem[] = [];
  visit(mdast, "listItem", (item) => {
    if (typeof item.checked !== "boolean") return;
    const first = item.children[0];
    checklist.push({ index: checklist.length, text: first?.type === "paragraph" ? readable(first) : "" });
  });
  const hast: HastRoot = documentProcessor.runSync(mdast);
  const toc: TocEntry[] = [];
  visit(hast, "element", (el: Element) => {
    // The footnotes section remark-gfm appends has its own (already-set) heading id.
    if (el.properties.dataFootnotes) return SKIP;
    const depth = headingRank(el);
    if (depth && typeof el.properties.id === "string") toc.push({ depth, text: hastText(el).replace(/\s+/g, " ").trim(), id: el.properties.id });
  });
  return { toc, checklist };
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
