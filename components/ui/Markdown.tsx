import { memo, type ComponentProps } from "react";
import Link from "next/link";
import { ExternalLink } from "lucide-react";
import ReactMarkdown, { type Components } from "react-markdown";
import { documentRehypePlugins, noteRemarkPlugins, remarkPlugins } from "@/lib/markdown/pipeline";

/**
 * Links and images may point only to http(s), mailto, or somewhere in the app (a relative path
 * or an #anchor); anything else (`javascript:`, `data:`, `//host`) becomes "" and is not a link.
 */
export function safeUrl(url: string): string {
  const s = url.trim();
  if (s.startsWith("//")) return "";
  const colon = s.indexOf(":");
  const scheme = colon < 0 ? null : s.slice(0, colon);
  if (scheme === null || /[/?#]/.test(scheme)) return s;
  return /^(https?|mailto)$/i.test(scheme) ? s : "";
}

export const linkClass = "text-chart-1 underline-offset-2 hover:underline";

const hasScheme = (href: string) => /^[a-z][a-z0-9+.-]*:/i.test(href);

/**
 * A link as `safeUrl` left it: in-app paths open in place (next/link), anchors and other
 * relative links stay in the tab, http(s) and mailto open in a new tab without a referrer;
 * no href (an unsafe one was removed) is plain text.
 */
export function markdownLink({ externalIcon }: { externalIcon: boolean }) {
  return function MarkdownLink({ href, children }: ComponentProps<"a">) {
    if (!href) return <span className="text-muted">{children}</span>;
    if (href.startsWith("/"))
      return (
        <Link href={href} className={linkClass}>
          {children}
        </Link>
      );
    if (!hasScheme(href))
      return (
        <a href={href} className={linkClass}>
          {children}
        </a>
      );
    return (
      <a href={href} target="_blank" rel="noreferrer noopener nofollow" className={externalIcon ? `${linkClass} inline-flex items-center gap-0.5` : linkClass}>
        {children}
        {externalIcon && <ExternalLink aria-hidden className="size-3" />}
      </a>
    );
  };
}

const heading = (Tag: "h1" | "h2" | "h3" | "h4" | "h5" | "h6", cls: string) =>
  function Heading({ id, children }: ComponentProps<"h1">) {
    return (
      <Tag id={id} className={`scroll-mt-20 font-semibold text-fg ${cls}`}>
        {children}
      </Tag>
    );
  };

/** How a document (a runbook, a postmortem) draws each element. */
export const documentComponents: Components = {
  h1: heading("h1", "mt-6 mb-3 text-2xl"),
  h2: heading("h2", "mt-8 mb-3 border-b border-line pb-1.5 text-xl"),
  h3: heading("h3", "mt-6 mb-2 text-lg"),
  h4: heading("h4", "mt-4 mb-2 text-base"),
  h5: heading("h5", "mt-4 mb-2 text-sm"),
  h6: heading("h6", "mt-4 mb-2 text-sm text-muted"),
  p: ({ children }) => <p className="my-3 leading-relaxed">{children}</p>,
  ul: ({ children, className }) => <ul className={className?.includes("contains-task-list") ? "my-3 pl-0" : "my-3 list-disc pl-6"}>{children}</ul>,
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
  pre: ({ children, className }) => (
    <pre className={`my-3 overflow-x-auto rounded-lg border border-line bg-bg px-4 py-3 font-mono text-[0.82rem] leading-relaxed text-fg [&>code]:bg-transparent [&>code]:p-0 ${className ?? ""}`}>
      {children}
    </pre>
  ),
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
  a: markdownLink({ externalIcon: true }),
};

const noPlugins: [] = [];

export type MarkdownProps = {
  markdown: string;
  className?: string;
  /** Element renderers; pass a stable object (module constant or memoised). Default: a document. */
  components?: Components;
  /** Heading ids from github-slugger (rehype-slug), for #anchors and a table of contents. */
  headingIds?: boolean;
  /** A note (a timeline entry): each typed line break is kept. */
  note?: boolean;
};

/**
 * The app's one Markdown renderer: GitHub-flavoured Markdown (lib/markdown/pipeline.ts) as React
 * elements. No rehype-raw: raw HTML is shown as text and never runs; links pass `safeUrl`.
 */
export const Markdown = memo(function Markdown({ markdown, className, components = documentComponents, headingIds = false, note = false }: MarkdownProps) {
  return (
    <div className={className}>
      <ReactMarkdown
        remarkPlugins={note ? noteRemarkPlugins : remarkPlugins}
        rehypePlugins={headingIds ? documentRehypePlugins : noPlugins}
        components={components}
        urlTransform={safeUrl}
        skipHtml={false}
      >
        {markdown}
      </ReactMarkdown>
    </div>
  );
});
