"use client";

import { memo, useRef, type ComponentProps } from "react";
import Link from "next/link";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import rehypeSlug from "rehype-slug";
import { ExternalLink } from "lucide-react";
import { CopyButton } from "./CopyButton";
import { resolveRunbookLink } from "./links";

function CodeBlock(props: ComponentProps<"pre">) {
  const ref = useRef<HTMLPreElement>(null);
  const { children, className } = props;
  return (
    <div className="group relative my-3">
      <CopyButton getText={() => ref.current?.innerText ?? ""} className="absolute top-2 right-2" />
      <pre
        ref={ref}
        className={`overflow-x-auto rounded-lg border border-line bg-bg py-3 pr-24 pl-4 font-mono text-[0.82rem] leading-relaxed text-fg [&>code]:bg-transparent [&>code]:p-0 ${className ?? ""}`}
      >
        {children}
      </pre>
    </div>
  );
}

const heading = (Tag: "h1" | "h2" | "h3" | "h4" | "h5" | "h6", cls: string) =>
  function Heading({ id, children }: ComponentProps<"h1">) {
    return (
      <Tag id={id} className={`scroll-mt-20 font-semibold text-fg ${cls}`}>
        {children}
      </Tag>
    );
  };

function components(slug: string): Components {
  return {
    h1: heading("h1", "mt-6 mb-3 text-2xl"),
    h2: heading("h2", "mt-8 mb-3 border-b border-line pb-1.5 text-xl"),
    h3: heading("h3", "mt-6 mb-2 text-lg"),
    h4: heading("h4", "mt-4 mb-2 text-base"),
    h5: heading("h5", "mt-4 mb-2 text-sm"),
    h6: heading("h6", "mt-4 mb-2 text-sm text-muted"),
    p: ({ children }) => <p className="my-3 leading-relaxed">{children}</p>,
    ul: ({ children, className }) => (
      <ul className={className?.includes("contains-task-list") ? "my-3 pl-0" : "my-3 list-disc pl-6"}>{children}</ul>
    ),
    ol: ({ children, start }) => (
      <ol start={start} className="my-3 list-decimal pl-6">
        {children}
      </ol>
    ),
    li: ({ children, className }) => (
      <li
        className={
          className?.includes("task-list-item")
            ? "relative my-1 list-none pl-6 [&>input]:absolute [&>input]:top-[0.3rem] [&>input]:left-0 [&>p>input]:absolute [&>p>input]:top-[0.3rem] [&>p>input]:left-0 [&>p:first-child]:mt-0"
            : "my-1"
        }
      >
        {children}
      </li>
    ),
    blockquote: ({ children }) => <blockquote className="my-3 border-l-4 border-line pl-4 text-muted">{children}</blockquote>,
    hr: () => <hr className="my-6 border-line" />,
    code: ({ children, className }) => <code className={`rounded bg-surface-2 px-1 py-0.5 font-mono text-[0.85em] ${className ?? ""}`}>{children}</code>,
    pre: CodeBlock,
    table: ({ children }) => (
      <div className="my-3 overflow-x-auto">
        <table className="w-full border-collapse text-sm">{children}</table>
      </div>
    ),
    th: ({ children, style }) => (
      <th style={style} className="border border-line bg-surface-2 px-3 py-1.5 text-left font-semibold">
        {children}
      </th>
    ),
    td: ({ children, style }) => (
      <td style={style} className="border border-line px-3 py-1.5">
        {children}
      </td>
    ),
    img: ({ src, alt }) => (typeof src === "string" && src ? <img src={src} alt={alt ?? ""} loading="lazy" className="my-3 max-w-full rounded-md border border-line" /> : null),
    a: ({ href, children }) => {
      const link = resolveRunbookLink(href, slug);
      const cls = "text-chart-1 underline-offset-2 hover:underline";
      if (!link) return <span className="text-muted">{children}</span>;
      if (link.kind === "internal")
        return (
          <Link href={link.href} className={cls}>
            {children}
          </Link>
        );
      if (link.kind === "anchor")
        return (
          <a href={link.href} className={cls}>
            {children}
          </a>
        );
      return (
        <a href={link.href} target="_blank" rel="noreferrer noopener nofollow" className={`${cls} inline-flex items-center gap-0.5`}>
          {children}
          <ExternalLink aria-hidden className="size-3" />
        </a>
      );
    },
  };
}

/**
 * GitHub-flavoured Markdown as React elements. No rehype-raw: raw HTML in a runbook is shown
 * as text and never runs; links keep to http(s), mailto and runbook routes.
 */
export const RunbookMarkdown = memo(function RunbookMarkdown({ markdown, slug }: { markdown: string; slug: string }) {
  return (
    <div className="text-[0.95rem] text-fg/90">
      <ReactMarkdown remarkPlugins={[remarkGfm]} rehypePlugins={[rehypeSlug]} components={components(slug)} skipHtml={false}>
        {markdown}
      </ReactMarkdown>
    </div>
  );
});
