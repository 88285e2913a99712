import { Fragment, memo, type ReactNode } from "react";
import Link from "next/link";

/**
 * A deliberately small markdown subset rendered as React elements — never as HTML, so
 * `<script>` or `<img onerror>` typed into the timeline shows as text. Supported: paragraphs,
 * line breaks, `- ` / `* ` / `1. ` lists, `**bold**`, `*italic*`, `` `code` ``, ```` ``` ```` blocks,
 * `[text](https://…)` and bare http(s) links. No markdown library is installed, and a call log
 * needs no more; links are limited to http/https and in-app `/runbooks/…` so `javascript:` can never be a target.
 */

const INLINE = /(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(\*[^*\s][^*\n]*\*)|(\[[^\]\n]+\]\((https?:\/\/[^\s)]+|\/runbooks\/[^\s)]+)\))|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;

function inline(text: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let i = 0;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const k = `${key}-${i++}`;
    if (m[1]) out.push(<code key={k} className="rounded bg-bg px-1 py-0.5 font-mono text-[0.85em] text-fg">{m[1].slice(1, -1)}</code>);
    else if (m[2]) out.push(<strong key={k} className="font-semibold text-fg">{m[2].slice(2, -2)}</strong>);
    else if (m[3]) out.push(<em key={k}>{m[3].slice(1, -1)}</em>);
    else if (m[4]) out.push(link(m[5], m[4].slice(1, m[4].indexOf("](")), k));
    else if (m[6]) out.push(link(m[6], m[6], k));
    last = at + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function link(href: string, label: string, key: string) {
  // Runbook-step entries link to the runbook inside the app: same tab.
  if (href.startsWith("/runbooks/"))
    return (
      <Link key={key} href={href} className="text-chart-1 underline-offset-2 hover:underline">
        {label}
      </Link>
    );
  return (
    <a key={key} href={href} target="_blank" rel="noreferrer noopener nofollow" className="text-chart-1 underline-offset-2 hover:underline">
      {label}
    </a>
  );
}

function withBreaks(lines: string[], key: string): ReactNode[] {
  return lines.map((l, i) => (
    <Fragment key={`${key}-${i}`}>
      {i > 0 && <br />}
      {inline(l, `${key}-${i}`)}
    </Fragment>
  ));
}

export const Markdown = memo(function Markdown({ text, className }: { text: string; className?: string }) {
  const blocks: ReactNode[] = [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let para: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  const flush = () => {
    const k = `b${blocks.length}`;
    if (para.length) blocks.push(<p key={k}>{withBreaks(para, k)}</p>);
    else if (list) {
      const items = list.items.map((it, i) => <li key={i}>{inline(it, `${k}-${i}`)}</li>);
      blocks.push(list.ordered ? <ol key={k} className="list-decimal pl-5">{items}</ol> : <ul key={k} className="list-disc pl-5">{items}</ul>);
    }
    para = [];
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trimStart().startsWith("```")) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith("```"); i++) code.push(lines[i]);
      blocks.push(
        <pre key={`b${blocks.length}`} className="overflow-x-auto rounded-md bg-bg px-3 py-2 font-mono text-xs text-fg">
          {code.join("\n")}
        </pre>,
      );
      continue;
    }
    const item = /^\s*(?:([-*])|(\d+)[.)])\s+(.*)$/.exec(line);
    if (item) {
      const ordered = item[2] !== undefined;
      if (para.length || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, items: [] };
      list.items.push(item[3]);
    } else if (line.trim() === "") flush();
    else {
      if (list) flush();
      para.push(line);
    }
  }
  flush();
  return <div className={className}>{blocks}</div>;
});
