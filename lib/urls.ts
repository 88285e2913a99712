/**
 * Links that arrive from outside (Alertmanager annotations, runbook front matter, rule files) are
 * rendered as <a href>. Only http(s) URLs and in-app paths are kept: `javascript:`, `data:` and
 * protocol-relative `//host` links would run script or leave the app.
 */
export function safeLinkUrl(s: string | null | undefined): string | null {
  if (typeof s !== "string") return null;
  const v = s.trim();
  if (v === "" || v.length > 2000) return null;
  // Browsers strip tabs and newlines inside URLs and treat "\" like "/", so "/\evil" and "/\t/evil" leave the origin.
  if ([...v].some((ch) => ch < " " || ch === "\u007f")) return null;
  if (v.startsWith("/")) return v.startsWith("//") || v.startsWith("/\\") ? null : v;
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:" ? v : null;
  } catch {
    return null;
  }
}
