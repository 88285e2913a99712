"use client";

import { memo } from "react";
import clsx from "clsx";
import { Markdown } from "@/components/ui/Markdown";

/**
 * The rendered postmortem: the app's Markdown document (components/ui/Markdown.tsx: no raw HTML,
 * safe links, heading ids). `data-print-root` marks it as the one thing a printout shows (app/globals.css). A table
 * header with no text (the templates' `| | |` key/value tables) is not drawn.
 */
export const PostmortemDocument = memo(function PostmortemDocument({ markdown, className, label = "Postmortem" }: { markdown: string; className?: string; label?: string }) {
  return (
    <article aria-label={label} data-print-root="postmortem" className={clsx("[&_thead:not(:has(th:not(:empty)))]:hidden", className)}>
      <Markdown markdown={markdown} headingIds className="text-[0.95rem] text-fg/90" />
    </article>
  );
});
