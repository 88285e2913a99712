import MiniSearch from "minisearch";
import SearchableMap from "minisearch/SearchableMap";
import type { ParsedRunbook } from "./model";

export const MAX_QUERY_CHARS = 200;
/** More distinct words than this and the rest are ignored: each costs a fuzzy walk of the vocabulary. */
export const MAX_QUERY_TERMS = 8;
/** Longer words are looked up as they are: no real word is this long, and fuzzy walks cost ∝ length. */
const MAX_EXPANDED_TERM_CHARS = 32;
/** Prefix completions a query word may stand for (the ones most runbooks use). */
const MAX_PREFIX_EXPANSIONS = 8;
/** Near spellings a query word may stand for (closest first, then the ones most runbooks use). */
const MAX_FUZZY_EXPANSIONS = 6;
/** Prefix completions looked at (in vocabulary order) before the most used are kept. */
const MAX_PREFIX_SCAN = 5_000;
/**
 * Postings scored per query, shared by its words. Postings are kept best first (by BM25 weight),
 * so a word found in most runbooks is scored on its best few thousand runbooks only.
 */
const POSTINGS_BUDGET = 40_000;
/** Whatever the budget, this many postings of every expansion and field are scored (all, for rarer words). */
const MIN_POSTINGS = 256;
/** Results cached per index, by normalised query (the index is rebuilt, never edited, on change). */
export const SEARCH_CACHE_SIZE = 256;
const SNIPPET_CHARS = 200;

const FIELDS = ["title", "tags", "services", "alerts", "body"] as const;
type Field = (typeof FIELDS)[number];
const BOOST: Record<Field, number> = { title: 4, tags: 2, services: 2, alerts: 2, body: 1 };
/** MiniSearch's defaults: BM25 parameters and the weights of prefix and fuzzy matches. */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;

const tokenize = MiniSearch.getDefault("tokenize") as (text: string) => string[];

/** Prefix search for words of ≥ 3 letters: a 1–2 letter prefix expands to most of the vocabulary. */
const usePrefix = (term: string) => term.length >= 3 && term.length <= MAX_EXPANDED_TERM_CHARS;
/** Edit distance allowed: 20 % of the length, rounded (1 for 4–7 letters, 2 from 8), none under 4 letters. */
function maxEdits(term: string): number {
  if (term.length < 4 || term.length > MAX_EXPANDED_TERM_CHARS) return 0;
  return Math.min(2, Math.round(term.length * 0.2));
}

/** "HighLatencyP99" → "HighLatencyP99 High Latency P99", so "latency" finds the alert too. */
function splitCamel(s: string): string {
  const words = s.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2");
  return words === s ? s : `${s} ${words}`;
}

function fieldOf(rb: ParsedRunbook, field: Field): string {
  switch (field) {
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
}

const bm25 = (tf: number, df: number, docs: number, len: number, avgLen: number) =>
  Math.log(1 + (docs - df + 0.5) / (df + 0.5)) * (BM25.d + (tf * (BM25.k + 1)) / (tf + BM25.k * (1 - BM25.b + (BM25.b * len) / avgLen)));

const NO_DOCS = new Uint32Array(0);
const NO_WEIGHTS = new Float32Array(0);

/** One field's postings by word id (runbooks best first) and each runbook's sorted word ids. */
type FieldPostings = { field: Field; boost: number; docs: Uint32Array[]; weights: Float32Array[]; docTerms: Uint32Array[] };

/** A word of the vocabulary that a query word stands for, with its weight (1 exact, less for prefix and fuzzy). */
type Expansion = { term: string; id: number; weight: number };

export type RankedMatch = { slug: string; score: number; match: { field: string; terms: string[] }[]; snippet: string };

/**
 * Full-text index over runbooks: title ×4, tags/services/alerts ×2, body ×1, BM25 per field as
 * MiniSearch scores it, with prefix and fuzzy matching over MiniSearch's radix tree. Ranking is
 * AND-ish: a runbook that matches every word of the query outranks one that matches some,
 * whatever their raw scores.
 *
 * The work per query is bounded whatever the query and the collection: a few expansions per
 * query word (the closest spellings, the most used completions) and a budget of postings read
 * best first, so a word or prefix found in thousands of runbooks costs about what a rare one
 * does. Results are cached per normalised query; an index is never edited (the library builds
 * a new one when runbooks change), so the cache can never serve results of an older set.
 */
export class RunbookIndex {
  private readonly runbooks: readonly ParsedRunbook[];
  private readonly vocab = new SearchableMap<number>();
  /** Runbooks using each word in any field. */
  private readonly df: number[] = [];
  private readonly fields: FieldPostings[] = [];
  private readonly cache = new Map<string, RankedMatch[]>();
  private readonly cacheSize: number;
  private readonly budget: number;
  // Per-query scratch, reused (search is synchronous): score and bit set of query words matched, by runbook.
  private readonly score: Float64Array;
  private readonly mask: Uint32Array;
  private readonly touched: Uint32Array;

  /** `cacheSize`: results cached (0: none); `postingsBudget`: postings scored per query (tests make it small). */
  constructor(runbooks: readonly ParsedRunbook[], opts: { cacheSize?: number; postingsBudget?: number } = {}) {
    this.cacheSize = Math.max(0, opts.cacheSize ?? SEARCH_CACHE_SIZE);
    this.budget = Math.max(0, opts.postingsBudget ?? POSTINGS_BUDGET);
    const slugs = new Set<string>();
    // A slug given twice: the first one is kept.
    this.runbooks = runbooks.filter((rb) => !slugs.has(rb.slug) && slugs.add(rb.slug));
    const n = this.runbooks.length;
    const ids = new Map<string, number>();
    for (const field of FIELDS) {
      const lists: number[][] = [];
      const lengths = new Uint32Array(n);
      const docTerms: Uint32Array[] = [];
      let total = 0;
      this.runbooks.forEach((rb, d) => {
        const tf = new Map<string, number>();
        for (const tok of tokenize(fieldOf(rb, field))) {
          if (!tok) continue;
          const t = tok.toLowerCase();
          tf.set(t, (tf.get(t) ?? 0) + 1);
        }
        lengths[d] = tf.size;
        total += tf.size;
        const own = new Uint32Array(tf.size);
        let k = 0;
        for (const [t, f] of tf) {
          let id = ids.get(t);
          if (id === undefined) {
            id = ids.size;
            ids.set(t, id);
            this.vocab.set(t, id);
            this.df.push(0);
          }
          (lists[id] ??= []).push(d, f);
          own[k++] = id;
        }
        docTerms.push(own.sort());
      });
      const avg = n && total ? total / n : 1;
      const docs: Uint32Array[] = [];
      const weights: Float32Array[] = [];
      for (let id = 0; id < ids.size; id++) {
        const list = lists[id];
        if (!list) {
          docs.push(NO_DOCS);
          weights.push(NO_WEIGHTS);
          continue;
        }
        const m = list.length / 2;
        const ds = new Uint32Array(m);
        const ws = new Float32Array(m);
        for (let i = 0; i < m; i++) {
          ds[i] = list[2 * i];
          ws[i] = bm25(list[2 * i + 1], m, n, lengths[ds[i]], avg);
        }
        if (m > MIN_POSTINGS) {
          const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => ws[b] - ws[a] || ds[a] - ds[b]);
          docs.push(Uint32Array.from(order, (i) => ds[i]));
          weights.push(Float32Array.from(order, (i) => ws[i]));
        } else {
          docs.push(ds);
          weights.push(ws);
        }
      }
      this.fields.push({ field, boost: BOOST[field], docs, weights, docTerms });
    }
    // Runbooks using each word, in any field (to rank prefix completions by use).
    for (let d = 0; d < n; d++) {
      const all = new Set<number>();
      for (const f of this.fields) for (const id of f.docTerms[d]) all.add(id);
      for (const id of all) this.df[id]++;
    }
    this.score = new Float64Array(n);
    this.mask = new Uint32Array(n);
    this.touched = new Uint32Array(n);
  }

  get size(): number {
    return this.runbooks.length;
  }

  /** Best first, at most `limit`. Any string is a valid query; nothing searchable gives []. */
  search(query: string, limit = 20): RankedMatch[] {
    limit = Math.max(0, Math.min(Math.floor(Number(limit)) || 0, 100));
    const terms = queryTerms(query);
    if (terms.length === 0 || limit === 0) return [];
    const key = `${limit} ${terms.join(" ")}`;
    const cached = this.cache.get(key);
    if (cached) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached.map(copy);
    }
    let out: RankedMatch[];
    try {
      out = this.run(terms, limit);
    } catch {
      this.score.fill(0);
      this.mask.fill(0);
      return [];
    }
    if (this.cacheSize > 0) {
      this.cache.set(key, out);
      if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    }
    return out.map(copy);
  }

  /** The vocabulary words `term` stands for: itself, its most used completions, its closest spellings. */
  private expand(term: string): Expansion[] {
    const out: Expansion[] = [];
    const exact = this.vocab.get(term);
    if (exact !== undefined) out.push({ term, id: exact, weight: 1 });
    const seen = new Set<string>([term]);
    if (usePrefix(term)) {
      const more: { term: string; id: number; df: number }[] = [];
      let scanned = 0;
      for (const [t, id] of this.vocab.atPrefix(term)) {
        if (++scanned > MAX_PREFIX_SCAN) break;
        if (t !== term) more.push({ term: t, id, df: this.df[id] });
      }
      more.sort((a, b) => b.df - a.df || a.term.length - b.term.length || (a.term < b.term ? -1 : 1));
      for (const { term: t, id } of more.slice(0, MAX_PREFIX_EXPANSIONS)) {
        seen.add(t);
        out.push({ term: t, id, weight: (PREFIX_WEIGHT * t.length) / (t.length + 0.3 * (t.length - term.length)) });
      }
    }
    const edits = maxEdits(term);
    if (edits > 0) {
      const more: { term: string; id: number; distance: number }[] = [];
      for (const [t, [id, distance]] of this.vocab.fuzzyGet(term, edits)) if (!seen.has(t)) more.push({ term: t, id, distance });
      more.sort((a, b) => a.distance - b.distance || this.df[b.id] - this.df[a.id] || (a.term < b.term ? -1 : 1));
      for (const { term: t, id, distance } of more.slice(0, MAX_FUZZY_EXPANSIONS)) out.push({ term: t, id, weight: (FUZZY_WEIGHT * t.length) / (t.length + distance) });
    }
    return out;
  }

  private run(terms: string[], limit: number): RankedMatch[] {
    const { score, mask, touched } = this;
    const expansions = terms.map((t) => this.expand(t));
    // Score: each query word gets an equal share of the postings budget, spent field by field
    // (small fields first), expansion by expansion, each posting list best first.
    let count = 0;
    const share = Math.floor(this.budget / terms.length);
    expansions.forEach((list, q) => {
      const bit = 1 << q;
      let left = share;
      for (const { docs: byId, weights: wById, boost } of this.fields) {
        for (const { id, weight } of list) {
          // Words first seen in a later field have no postings here.
          const docs = byId[id];
          if (docs === undefined || docs.length === 0) continue;
          const w = wById[id];
          const factor = boost * weight;
          const take = Math.min(docs.length, Math.max(left, MIN_POSTINGS));
          left -= take;
          for (let i = 0; i < take; i++) {
            const d = docs[i];
            if (mask[d] === 0) touched[count++] = d;
            score[d] += factor * w[i];
            mask[d] |= bit;
          }
        }
      }
    });
    // Rank: one pass keeps the best `limit` by (words covered, score, slug), and resets the scratch.
    const n = terms.length;
    const ranked: Ranked[] = [];
    for (let i = 0; i < count; i++) {
      const doc = touched[i];
      const covered = popcount(mask[doc]);
      // As MiniSearch: × words matched; then × (share of the query matched)², AND-ish.
      const s = score[doc] * covered * (covered / n) ** 2;
      score[doc] = 0;
      mask[doc] = 0;
      if (ranked.length >= limit) {
        const last = ranked[ranked.length - 1];
        if (covered < last.covered || (covered === last.covered && s < last.score)) continue;
      }
      const item = { doc, score: s, covered };
      if (ranked.length >= limit && !this.better(item, ranked[ranked.length - 1])) continue;
      let j = ranked.length;
      while (j > 0 && this.better(item, ranked[j - 1])) j--;
      ranked.splice(j, 0, item);
      if (ranked.length > limit) ranked.pop();
    }
    const patterns = new Map<string, RegExp | null>();
    return ranked.map(({ doc, score: s }) => {
      const rb = this.runbooks[doc];
      // Every expansion each field of the runbook holds, also where its postings were not all scored.
      const match: { field: string; terms: string[] }[] = [];
      for (const f of this.fields) {
        let found: string[] | null = null;
        for (const list of expansions) for (const e of list) if (has(f.docTerms[doc], e.id) && !found?.includes(e.term)) (found ??= []).push(e.term);
        if (found) match.push({ field: f.field, terms: found.sort() });
      }
      const body = match.find((m) => m.field === "body")?.terms ?? [];
      // Hits mostly hold the same words: one pattern per set of words.
      const key = body.join(" ");
      let pattern = patterns.get(key);
      if (pattern === undefined) patterns.set(key, (pattern = termsPattern(body)));
      return { slug: rb.slug, score: Math.round(s * 1000) / 1000, match, snippet: snippetFor(rb.text, pattern) };
    });
  }

  private better(a: Ranked, b: Ranked): boolean {
    return a.covered > b.covered || (a.covered === b.covered && (a.score > b.score || (a.score === b.score && this.runbooks[a.doc].slug < this.runbooks[b.doc].slug)));
  }
}

type Ranked = { doc: number; score: number; covered: number };

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/** Whether the sorted `ids` hold `id`. */
function has(ids: Uint32Array, id: number): boolean {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = ids[mid];
    if (t === id) return true;
    if (t < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

const copy = (m: RankedMatch): RankedMatch => ({ ...m, match: m.match.map((f) => ({ field: f.field, terms: [...f.terms] })) });

/** The words of a query, lower-cased, deduplicated, capped: what the index is asked for. */
export function queryTerms(query: string): string[] {
  const text = typeof query === "string" ? query.slice(0, MAX_QUERY_CHARS) : "";
  const seen = new Set<string>();
  for (const t of tokenize(text)) {
    const term = t.toLowerCase();
    if (term.length >= 2) seen.add(term);
    if (seen.size >= MAX_QUERY_TERMS) break;
  }
  return [...seen];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Space, tab, line breaks and the other white space `\s` matches (for the characters bodies hold). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0xfeff || (c >= 0x2000 && (c <= 0x200a || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000)) || c === 0x1680;
}

/** At most `max` characters of `text` from `from` with each run of white space as one space; and where it stopped. */
function flatSlice(text: string, from: number, max: number): { s: string; end: number } {
  const parts: string[] = [];
  let len = 0;
  let i = from;
  while (i < text.length && len < max) {
    if (isSpace(text.charCodeAt(i))) {
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      parts.push(" ");
      len++;
      continue;
    }
    let j = i;
    while (j < text.length && j - i < max - len && !isSpace(text.charCodeAt(j))) j++;
    parts.push(text.slice(i, j));
    len += j - i;
    i = j;
  }
  return { s: parts.join(""), end: i };
}

/** Whether `text` from `from`, white space collapsed and trailing white space dropped, is at most `max` characters. */
function fitsFlat(text: string, from: number, max: number): boolean {
  let len = 0;
  let pending = false;
  for (let i = from; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i))) pending = true;
    else {
      len += pending ? 2 : 1;
      pending = false;
      if (len > max) return false;
    }
  }
  return true;
}

/** Whether `text` has anything but white space in [from, to). */
function hasText(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(text.charCodeAt(i))) return true;
  return false;
}

/**
 * ≤ 200 characters of body text (white space collapsed) around the first place a matched term
 * occurs, else its start; "…" marks text cut before or after. Only those characters are read
 * and copied: a body is kilobytes.
 */
export function snippet(text: string, terms: readonly string[]): string {
  return snippetFor(text, termsPattern(terms));
}

/** Case-blind alternation of `terms`, or null for none. */
function termsPattern(terms: readonly string[]): RegExp | null {
  const words = terms.filter(Boolean);
  return words.length > 0 ? new RegExp(words.map(escapeRe).join("|"), "i") : null;
}

function snippetFor(text: string, pattern: RegExp | null): string {
  const at = pattern ? text.search(pattern) : -1;
  let start = 0;
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  if (fitsFlat(text, start, SNIPPET_CHARS)) return flatSlice(text, start, text.length).s.trimEnd();
  if (at > start) {
    // Back about 60 characters of flattened text, then forward to the start of a word.
    let i = at;
    for (let n = 0; i > start && n < 60; n++) {
      i--;
      if (isSpace(text.charCodeAt(i))) while (i > start && isSpace(text.charCodeAt(i - 1))) i--;
    }
    if (i > start) {
      let j = i;
      while (j < at && !isSpace(text.charCodeAt(j))) j++;
      if (j < at) {
        while (j < at && isSpace(text.charCodeAt(j))) j++;
        i = j;
      }
    }
    start = i;
  }
  const lead = hasText(text, 0, start);
  const budget = SNIPPET_CHARS - (lead ? 1 : 0);
  const piece = flatSlice(text, start, budget);
  const more = hasText(text, piece.end, text.length);
  const body = more ? `${piece.s.slice(0, budget - 1).trimEnd()}…` : piece.s.trimEnd();
  return `${lead ? "…" : ""}${body}`;
}
