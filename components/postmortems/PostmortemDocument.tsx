"use client";

import { memo } from "react";
import clsx from "clsx";
import { RunbookMarkdown } from "@/components/runbooks/RunbookMarkdown";

/**
 * The rendered postmortem: the runbook viewer's GitHub-flavoured Markdown (no raw HTML, safe
 * links). `data-print-root` marks it as the one thing a printout shows (app/globals.css). A table
 * header with no text (the templates' `| | |` key/value tables) is not drawn.
 */
export const PostmortemDocument = memo(function PostmortemDocument({ markdown, className, label = "Postmortem" }: { markdown: string; className?: string; label?: string }) {
  return (
    <article aria-label={label} data-print-root="postmortem" className={clsx("[&_thead:not(:has(th:not(:empty)))]:hidden", className)}>
      <RunbookMarkdown markdown={markdown} slug="postmortem" />
    </article>
  );
});
