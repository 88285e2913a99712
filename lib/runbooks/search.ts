import MiniSearch, { type SearchResult } from "minisearch";
import type { ParsedRunbook } from "./model";

export const MAX_QUERY_CHARS = 200;
/** More distinct words than this and the rest are ignored: each costs a fuzzy walk of the index. */
const MAX_QUERY_TERMS = 12;
const SNIPPET_CHARS = 200;

const FIELDS = ["title", "tags", "services", "alerts", "body"] as const;
type Field = (typeof FIELDS)[number];

/** "HighLatencyP99" → "HighLatencyP99 High Latency P99", so "latency" finds the alert too. */
function splitCamel(s: string): string {
  const words = s.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2");
  return words === s ? s : `${s} ${words}`;
}

function fieldOf(rb: ParsedRunbook, field: string): string {
  switch (field as Field) {
    case "title":
      return rb.title;
    case "tags":
      return rb.tags.join(" ");
    case "services":
      return rb.services.join(" ");
    case "alerts":
      return rb.alerts.map(splitCamel).join(" ");
    case "body":
      return rb.text;
  }
  return "";
}

export type RankedMatch = { slug: string; score: number; match: { field: string; terms: string[] }[]; snippet: string };

/**
 * Full-text index over runbooks (MiniSearch): title ×4, tags/services/alerts ×2, body ×1, with
 * prefix and fuzzy matching. Ranking is AND-ish: a runbook that matches every word of the query
 * outranks one that matches some, whatever their raw scores.
 */
export class RunbookIndex {
  private readonly mini: MiniSearch<ParsedRunbook>;
  private readonly bySlug = new Map<string, ParsedRunbook>();

  constructor(runbooks: readonly ParsedRunbook[]) {
    this.mini = new MiniSearch<ParsedRunbook>({
      idField: "slug",
      fields: [...FIELDS],
      extractField: (doc, field) => (field === "slug" ? doc.slug : fieldOf(doc, field)),
    });
    this.mini.addAll(runbooks);
    for (const rb of runbooks) this.bySlug.set(rb.slug, rb);
  }

  get size(): number {
    return this.mini.documentCount;
  }

  /** Best first, at most `limit`. Any string is a valid query; nothing searchable gives []. */
  search(query: string, limit = 20): RankedMatch[] {
    limit = Math.max(0, Math.min(limit, 100));
    const terms = queryTerms(query);
    if (terms.length === 0) return [];
    let results: SearchResult[];
    try {
      results = this.mini.search(terms.join(" "), {
        boost: { title: 4, tags: 2, services: 2, alerts: 2, body: 1 },
        // Prefix on every word but cheap: a 1–2 letter prefix expands to most of the vocabulary.
        prefix: (term) => term.length >= 3,
        fuzzy: (term) => (term.length >= 4 ? 0.2 : false),
        maxFuzzy: 2,
        combineWith: "OR",
      });
    } catch {
      return [];
    }
    const n = terms.length;
    const ranked: Ranked[] = [];
    // MiniSearch returns results by raw score; one pass keeps the best `limit` by (words covered, score).
    for (const r of results) {
      const covered = n === 1 ? 1 : new Set(r.queryTerms).size;
      const item = { r, score: r.score * (covered / n) ** 2, covered };
      if (ranked.length >= limit && !better(item, ranked[ranked.length - 1])) continue;
      let i = ranked.length;
      while (i > 0 && better(item, ranked[i - 1])) i--;
      ranked.splice(i, 0, item);
      if (ranked.length > limit) ranked.pop();
    }
    return ranked.map(({ r, score }) => {
      const rb = this.bySlug.get(String(r.id))!;
      return { slug: rb.slug, score: Math.round(score * 1000) / 1000, match: byField(r.match), snippet: snippet(rb.text, bodyTerms(r.match)) };
    });
  }
}

type Ranked = { r: SearchResult; score: number; covered: number };
const better = (a: Ranked, b: Ranked) => a.covered > b.covered || (a.covered === b.covered && (a.score > b.score || (a.score === b.score && String(a.r.id) < String(b.r.id))));

/** The words of a query, lower-cased, deduplicated, capped: what MiniSearch is asked for. */
export function queryTerms(query: string): string[] {
  const text = typeof query === "string" ? query.slice(0, MAX_QUERY_CHARS) : "";
  const seen = new Set<string>();
  for (const t of MiniSearch.getDefault("tokenize")(text) as string[]) {
    const term = t.toLowerCase();
    if (term.length >= 2) seen.add(term);
    if (seen.size >= MAX_QUERY_TERMS) break;
  }
  return [...seen];
}

function byField(match: SearchResult["match"]): { field: string; terms: string[] }[] {
  const out = new Map<string, string[]>();
  for (const [term, fields] of Object.entries(match)) for (const f of fields) out.set(f, [...(out.get(f) ?? []), term]);
  return FIELDS.filter((f) => out.has(f)).map((f) => ({ field: f, terms: out.get(f)!.sort() }));
}

function bodyTerms(match: SearchResult["match"]): string[] {
  return Object.entries(match)
    .filter(([, fields]) => fields.includes("body"))
    .map(([term]) => term);
}

/** ≤ 200 characters of body text around the first place a matched term occurs (else its start). */
export function snippet(text: string, terms: readonly string[]): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const lower = flat.toLowerCase();
  let at = -1;
  for (const t of terms) {
    const i = lower.indexOf(t);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (flat.length <= SNIPPET_CHARS) return flat;
  if (at < 0) return `${flat.slice(0, SNIPPET_CHARS - 1).trimEnd()}…`;
  let start = Math.max(0, at - 60);
  if (start > 0) {
    const space = flat.indexOf(" ", start);
    if (space >= 0 && space < at) start = space + 1;
  }
  const budget = SNIPPET_CHARS - (start > 0 ? 1 : 0);
  let piece = flat.slice(start, start + budget);
  const cut = start + budget < flat.length;
  if (cut) piece = `${piece.slice(0, budget - 1).trimEnd()}…`;
  return `${start > 0 ? "…" : ""}${piece}`;
}
