import { Fragment, type ReactNode } from "react";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Terms to mark: the engine's matched terms (typo-corrected, from the text) plus the typed words. */
export function highlightTerms(match: { terms: string[] }[] | undefined, query: string): string[] {
  const words = query.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 2);
  const all = new Set([...(match ?? []).flatMap((m) => m.terms.map((t) => t.toLowerCase())), ...words]);
  // Longest first so "latency" wins over "lat" at the same position.
  return [...all].filter(Boolean).sort((a, b) => b.length - a.length);
}

/** `text` with every word starting with one of `terms` wrapped in <mark>; plain text, never HTML. */
export function Highlight({ text, terms }: { text: string; terms: string[] }) {
  if (terms.length === 0 || !text) return <>{text}</>;
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${terms.map(escape).join("|")})[\\p{L}\\p{N}]*`, "giu");
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    out.push(
      <mark key={at} className="rounded-sm bg-warn/25 px-0.5 text-fg">
        {m[0]}
      </mark>,
    );
    last = at + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return <Fragment>{out}</Fragment>;
}
