"use client";

import { memo, useMemo, useRef, type ComponentProps } from "react";
import type { Components } from "react-markdown";
import { Markdown, documentComponents, markdownLink } from "@/components/ui/Markdown";
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

const DocumentLink = markdownLink({ externalIcon: true });

/** A runbook's elements: the document's, with a copy button on code blocks and `.md` links resolved to runbook routes. */
function runbookComponents(slug: string): Components {
  return {
    ...documentComponents,
    pre: CodeBlock,
    a: ({ href, children }) => {
      const link = resolveRunbookLink(href, slug);
      return <DocumentLink href={link?.href}>{children}</DocumentLink>;
    },
  };
}

/**
 * A runbook rendered with the app's Markdown component (components/ui/Markdown.tsx): headings
 * carry the ids of the table of contents, `- [ ]` steps are the checkboxes lib/runbooks counts.
 */
export const RunbookMarkdown = memo(function RunbookMarkdown({ markdown, slug }: { markdown: string; slug: string }) {
  const components = useMemo(() => runbookComponents(slug), [slug]);
  return <Markdown markdown={markdown} components={components} headingIds className="text-[0.95rem] text-fg/90" />;
});
