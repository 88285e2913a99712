import { memo, type ReactNode } from "react";
import type { Components } from "react-markdown";
import { Markdown, documentComponents, linkClass, markdownLink } from "@/components/ui/Markdown";

const codeClass = "rounded bg-bg px-1 py-0.5 font-mono text-[0.85em] text-fg";
const Heading = ({ children }: { children?: ReactNode }) => <p className="font-semibold text-fg">{children}</p>;

/** A call log stays compact: headings are bold lines, and an image is a link to it, not loaded. */
const noteComponents: Components = {
  p: ({ children }) => <p>{children}</p>,
  h1: Heading,
  h2: Heading,
  h3: Heading,
  h4: Heading,
  h5: Heading,
  h6: Heading,
  ul: ({ children }) => <ul className="list-disc pl-5">{children}</ul>,
  ol: ({ children, start }) => (
    <ol start={start} className="list-decimal pl-5">
      {children}
    </ol>
  ),
  strong: ({ children }) => <strong className="font-semibold text-fg">{children}</strong>,
  code: ({ children }) => <code className={codeClass}>{children}</code>,
  pre: ({ children }) => <pre className="overflow-x-auto rounded-md bg-bg px-3 py-2 font-mono text-xs text-fg [&>code]:bg-transparent [&>code]:p-0 [&>code]:text-xs">{children}</pre>,
  blockquote: ({ children }) => <blockquote className="border-l-2 border-line pl-3 text-muted">{children}</blockquote>,
  img: ({ src, alt }) =>
    typeof src === "string" && src ? (
      <a href={src} target="_blank" rel="noreferrer noopener nofollow" className={linkClass}>
        {alt || src}
      </a>
    ) : (
      <>{alt}</>
    ),
  a: markdownLink({ externalIcon: false }),
  table: documentComponents.table,
  th: documentComponents.th,
  td: documentComponents.td,
  hr: () => <hr className="border-line" />,
};

/**
 * A timeline entry's text through the app's Markdown component: raw HTML such as `<script>` typed
 * into the timeline shows as text, links keep to http(s), mailto and in-app paths.
 */
export const TimelineMarkdown = memo(function TimelineMarkdown({ text, className }: { text: string; className?: string }) {
  return <Markdown markdown={text} components={noteComponents} note className={className} />;
});
