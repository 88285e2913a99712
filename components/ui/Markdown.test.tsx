import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { Markdown, safeUrl } from "./Markdown";
import { TimelineMarkdown } from "@/components/incidents/TimelineMarkdown";

describe("safeUrl", () => {
  it("keeps http(s), mailto and in-app links, and drops every other scheme", () => {
    for (const ok of ["https://grafana.example/d/1", "HTTP://x.example", "mailto:sre@example.com", "/runbooks/checkout/slow", "#diagnosis", "other.md", "../x/y.md#step", "?q=1"]) expect(safeUrl(ok)).toBe(ok);
    for (const bad of ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>", "vbscript:x", "file:///etc/passwd", "//evil.example/x"]) expect(safeUrl(bad)).toBe("");
  });
});

describe("Markdown", () => {
  it("shows raw HTML as text and never makes an unsafe link", () => {
    const html = renderToStaticMarkup(<Markdown markdown={'<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">\n\n[click me](javascript:alert(1)) and [site](https://x.example)'} />);
    expect(html).toContain("&lt;script&gt;window.__xss = 1&lt;/script&gt;");
    expect(html).not.toMatch(/<script|<img/);
    expect(html).not.toContain("javascript:");
    expect(html).toContain('<span class="text-muted">click me</span>');
    expect(html).toMatch(/<a href="https:\/\/x.example" target="_blank" rel="noreferrer noopener nofollow"/);
  });

  it("gives headings ids only when asked", () => {
    expect(renderToStaticMarkup(<Markdown markdown="## Roll back" headingIds />)).toContain('id="roll-back"');
    expect(renderToStaticMarkup(<Markdown markdown="## Roll back" />)).not.toContain("id=");
  });
});

describe("TimelineMarkdown", () => {
  it("keeps typed line breaks, bold, code, lists and links of a call log", () => {
    const html = renderToStaticMarkup(<TimelineMarkdown text={"Rolled back **deploy 42**\nerrors falling: `kubectl get pods`\n\n- one\n- two\n\nsee https://grafana.example/d/1 and [runbook](/runbooks/checkout/slow)"} />);
    expect(html).toContain("Rolled back <strong");
    expect(html).toMatch(/deploy 42<\/strong><br\/>\s*errors falling/);
    expect(html).toContain("kubectl get pods</code>");
    expect(html).toMatch(/<ul class="list-disc pl-5">\s*<li>one<\/li>/);
    expect(html).toMatch(/<a href="https:\/\/grafana.example\/d\/1" target="_blank"/);
    expect(html).toMatch(/<a class="[^"]*" href="\/runbooks\/checkout\/slow">runbook<\/a>|<a href="\/runbooks\/checkout\/slow"[^>]*>runbook<\/a>/);
  });

  it("does not load images from a timeline entry", () => {
    const html = renderToStaticMarkup(<TimelineMarkdown text="![graph](https://x.example/p.png)" />);
    expect(html).not.toContain("<img");
    expect(html).toMatch(/<a href="https:\/\/x.example\/p.png"[^>]*>graph<\/a>/);
  });
});
