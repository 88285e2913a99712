import type { Root } from "mdast";
import type { PluggableList } from "unified";
import { findAndReplace } from "mdast-util-find-and-replace";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkGfm from "remark-gfm";
import remarkRehype from "remark-rehype";
import rehypeSlug from "rehype-slug";

/**
 * The Markdown pipeline of the app, shared by what renders it (components/ui/Markdown.tsx, through
 * react-markdown) and what reads it on the server (a runbook's checklist and table of contents),
 * so both see the same tree. react-markdown builds exactly this chain:
 * remark-parse → remarkPlugins → remark-rehype (allowDangerousHtml, raw HTML is then shown as
 * text, never parsed) → rehypePlugins.
 */
export const remarkPlugins: PluggableList = [remarkGfm];
/**
 * A line typed on its own line stays on its own line (a call log is written line by line), where
 * Markdown would join the lines of a paragraph.
 */
export function remarkLineBreaks() {
  return (tree: Root) => findAndReplace(tree, [/\r?\n|\r/g, () => ({ type: "break" })]);
}
/** Timeline entries: GitHub-flavoured Markdown with line breaks kept. */
export const noteRemarkPlugins: PluggableList = [remarkGfm, remarkLineBreaks];
/** Documents (runbooks, postmortems) give their headings github-slugger ids for anchors and contents. */
export const documentRehypePlugins: PluggableList = [rehypeSlug];

/** The same pipeline as the rendered document, without the React step. */
export const documentProcessor = unified().use(remarkParse).use(remarkPlugins).use(remarkRehype, { allowDangerousHtml: true }).use(documentRehypePlugins).freeze();
