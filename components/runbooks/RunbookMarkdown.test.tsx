import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { outline } from "@/lib/runbooks/markdown";
import { RunbookMarkdown } from "./RunbookMarkdown";

// Markdown where the former line-by-line regex reader and the rendered runbook disagreed: it
// counted 5 steps (two of them are an HTML block and an indented code block, which render as
// text), missed the step in the blockquote and both setext headings, and so gave the second
// "Overview" the id "overview" where the page has "overview-1".
const MD = [
  "Overview",
  "========",
  "",
  "- [ ] Page the on-call",
  "",
  "<details>",
  "- [ ] not a step: inside an HTML block",
  "</details>",
  "",
  "> - [ ] Tell support (a step in a blockquote)",
  "",
  "    - [ ] not a step: an indented code block",
  "",
  "- Rollback",
  "  - [x] Freeze deploys",
  "    continued on the next line",
  "",
  "## Overview",
  "",
  "Mitigation <em>now</em>",
  "------------------------",
  "",
  "~~~",
  "- [ ] not a step: fenced with tildes",
  "```",
  "~~~",
  "",
  "## Check ![status](https://x.example/s.png) `curl`",
  "",
  "1. [ ] Note the time[^1]",
  "",
  "[^1]: UTC.",
].join("\n");

const { checklist, toc } = outline(MD);
const rendered = renderToStaticMarkup(<RunbookMarkdown markdown={MD} slug="checkout/high-latency" />);

describe("checklist and contents come from what the runbook view renders", () => {
  it("numbers exactly the checkboxes on the page, in order", () => {
    const boxes = [...rendered.matchAll(/<input[^>]*type="checkbox"[^>]*>/g)];
    expect(checklist).toEqual([
      { index: 0, text: "Page the on-call" },
      { index: 1, text: "Tell support (a step in a blockquote)" },
      { index: 2, text: "Freeze deploys continued on the next line" },
      { index: 3, text: "Note the time" },
    ]);
    expect(boxes).toHaveLength(checklist.length);
    expect(boxes.map((b) => b[0].includes("checked"))).toEqual([false, false, true, false]);
    expect(rendered).toContain("- [ ] not a step: inside an HTML block");
  });

  it("lists every rendered heading with the id it has on the page", () => {
    const ids = [...rendered.matchAll(/<h([1-6])[^>]* id="([^"]+)"/g)].map((m) => ({ depth: Number(m[1]), id: m[2] }));
    expect(toc).toEqual([
      { depth: 1, text: "Overview", id: "overview" },
      { depth: 2, text: "Overview", id: "overview-1" },
      { depth: 2, text: "Mitigation now", id: "mitigation-now" },
      { depth: 2, text: "Check curl", id: "check--curl" },
    ]);
    // The page's headings, less the footnotes section remark-gfm adds (its id is not a slug).
    expect(ids.filter((h) => h.id !== "footnote-label")).toEqual(toc.map(({ depth, id }) => ({ depth, id })));
  });
});
