/**
 * Where a link inside runbook `slug` points: relative `.md` links (`./other.md`, `../x/y.md#step`)
 * become `/runbooks/...` routes; in-page anchors stay; http(s)/mailto leave the app; anything
 * else (react-markdown already blanks `javascript:`) is dropped.
 */
export type ResolvedLink = { kind: "internal" | "anchor" | "external"; href: string } | null;

export function resolveRunbookLink(href: string | undefined, slug: string): ResolvedLink {
  if (!href) return null;
  if (href.startsWith("#")) return { kind: "anchor", href };
  if (/^(https?:|mailto:)/i.test(href)) return { kind: "external", href };
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//")) return null;
  const base = new URL(`http://runbook.invalid/runbooks/${slug.split("/").map(encodeURIComponent).join("/")}.md`);
  const url = new URL(href, href.startsWith("/") && !href.startsWith("/runbooks/") ? "http://runbook.invalid/" : base);
  if (href.startsWith("/") && !href.startsWith("/runbooks/")) return { kind: "internal", href: url.pathname + url.search + url.hash };
  if (!url.pathname.startsWith("/runbooks/")) return null;
  const path = url.pathname.replace(/\.md$/i, "");
  return { kind: "internal", href: path + url.hash };
}
