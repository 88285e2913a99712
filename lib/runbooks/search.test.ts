import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseRunbook } from "./parse";
import { MAX_QUERY_TERMS, RunbookIndex, queryTerms, snippet } from "./search";
import type { ParsedRunbook } from "./model";

const make = (slug: string, title: string, body: string, extra = ""): ParsedRunbook => parseRunbook(slug, `---\ntitle: ${title}\n${extra}\n---\n${body}`);

/** The sample runbooks shipped in ./runbooks. */
function samples(): ParsedRunbook[] {
  const root = join(import.meta.dirname, "../../runbooks");
  const out: ParsedRunbook[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${prefix}${e.name}/`);
      else if (e.name.endsWith(".md")) out.push(parseRunbook(prefix + e.name.slice(0, -3), readFileSync(join(dir, e.name), "utf8")));
    }
  };
  walk(root, "");
  return out;
}

describe("runbook search", () => {
  const index = new RunbookIndex(samples());
  const slugs = (q: string) => index.search(q).map((h) => h.slug);

  it("ranks an exact title match above a body-only match", () => {
    const idx = new RunbookIndex([
      make("body-only", "Database failover", "When the replica lags, check disk latency on the primary and the network."),
      make("title", "Disk latency", "Steps for slow disks."),
    ]);
    const hits = idx.search("disk latency");
    expect(hits.map((h) => h.slug)).toEqual(["title", "body-only"]);
    expect(hits[0].match).toContainEqual({ field: "title", terms: ["disk", "latency"] });
    expect(hits[1].match).toEqual([{ field: "body", terms: ["disk", "latency"] }]);
  });

  it("finds high-latency despite a typo", () => {
    expect(slugs("latncy")[0]).toBe("high-latency");
    // The word found is what the page highlights.
    expect(index.search("latncy")[0].match).toContainEqual({ field: "title", terms: ["latency"] });
  });

  it("finds cpu-saturation by prefix", () => {
    expect(slugs("satur")[0]).toBe("cpu-saturation");
  });

  it("prefers runbooks matching every word", () => {
    expect(slugs("payment provider")[0]).toBe("checkout/payment-provider-degraded");
    expect(slugs("kubectl rollout")[0]).toBe("high-latency");
  });

  it("finds runbooks by alert name words and service", () => {
    expect(slugs("CpuSaturated")[0]).toBe("cpu-saturation");
    expect(slugs("search latency")).toContain("search/slow-queries");
  });

  it("returns a plain-text snippet around the first body match", () => {
    const hit = index.search("elasticsearch")[0];
    expect(hit.slug).toBe("search/slow-queries");
    expect(hit.snippet.length).toBeLessThanOrEqual(200);
    expect(hit.snippet.toLowerCase()).toContain("elasticsearch");
    expect(hit.snippet).not.toMatch(/\*\*|\[ \]|^#/);
  });

  it("answers any query string without throwing", () => {
    for (const q of ["", "   ", "x".repeat(10_000), ".*+?^${}()|[]\\", "🔥🚒", "\u0000\uffff", "a", "<script>alert(1)</script>", "a ".repeat(5000)]) {
      const hits = index.search(q);
      expect(Array.isArray(hits)).toBe(true);
      expect(hits.length).toBeLessThanOrEqual(20);
    }
    expect(index.search("")).toEqual([]);
  });
});

/** `n` runbooks whose bodies are mostly the same few words: every word is in every runbook. */
function crowd(n: number): ParsedRunbook[] {
  const common = ["latency", "error", "timeout", "restart", "check", "the", "pod", "disk"];
  return Array.from({ length: n }, (_, i) =>
    make(`gen/${i}`, `Runbook ${i}`, Array.from({ length: 120 }, (_, k) => common[(i * 7 + k * 3) % common.length]).join(" ")),
  );
}

describe("runbook search at scale", () => {
  const many = crowd(3_000);

  it("ranks a title match first even when the word is in every body", () => {
    // A budget far below the postings of "disk" and "latency" (3,000 each, per field).
    const idx = new RunbookIndex([...many, make("special", "Disk latency", "Steps for slow disks.")], { postingsBudget: 1_000 });
    const hits = idx.search("disk latency");
    expect(hits).toHaveLength(20);
    expect(hits[0].slug).toBe("special");
    expect(hits[0].match).toContainEqual({ field: "title", terms: ["disk", "latency"] });
    // Every body holds both words: each hit says so, though not every posting was scored.
    for (const h of hits.slice(1)) expect(h.match).toContainEqual({ field: "body", terms: ["disk", "latency"] });
  });

  it("finds a rare word by prefix and by typo among thousands of runbooks", () => {
    const idx = new RunbookIndex([...many, make("rare", "Something else", "Run the zookeeper quorum check before anything.")], { postingsBudget: 1_000 });
    expect(idx.search("zookee")[0].slug).toBe("rare");
    expect(idx.search("zookeper")[0].slug).toBe("rare");
    expect(idx.search("zookeper")[0].match).toEqual([{ field: "body", terms: ["zookeeper"] }]);
    expect(idx.search("zookeeper quorum")[0].snippet).toContain("zookeeper quorum");
  });

  it("answers a long garbage query quickly and without error", () => {
    const idx = new RunbookIndex(many);
    let seed = 42;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 -_.:/ \u00e9\u4e2d🔥";
    const garbage = Array.from({ length: 20_000 }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join("");
    for (const q of [garbage, "lat ".repeat(1_000), "x".repeat(100_000), "latency ".repeat(500) + "zzzz"]) {
      const began = performance.now();
      const hits = idx.search(q);
      // Generous for a shared CI machine: a query is well under a millisecond here.
      expect(performance.now() - began).toBeLessThan(250);
      expect(Array.isArray(hits)).toBe(true);
      expect(hits.length).toBeLessThanOrEqual(20);
    }
    expect(queryTerms(garbage).length).toBeLessThanOrEqual(MAX_QUERY_TERMS);
  });
});

describe("search results cache", () => {
  it("gives the same results for the same normalised query, as copies", () => {
    const idx = new RunbookIndex(samples());
    const first = idx.search("Latency");
    expect(first.length).toBeGreaterThan(0);
    first[0].match.length = 0;
    first[0].snippet = "changed by a caller";
    const again = idx.search("  latency ");
    expect(again[0].match.length).toBeGreaterThan(0);
    expect(again[0].snippet).not.toBe("changed by a caller");
    expect(again).toEqual(new RunbookIndex(samples(), { cacheSize: 0 }).search("latency"));
  });

  it("is per index: a runbook changed and the index rebuilt, results follow", () => {
    const before = [make("a", "Disk full", "Free space."), make("b", "Network", "Check the links.")];
    const idx1 = new RunbookIndex(before);
    expect(idx1.search("disk").map((h) => h.slug)).toEqual(["a"]);
    // The library builds a new index on every change; the old one's cache goes with it.
    const after = [make("a", "Memory leak", "Restart it."), make("b", "Disk and network", "Check the links.")];
    const idx2 = new RunbookIndex(after);
    expect(idx2.search("disk").map((h) => h.slug)).toEqual(["b"]);
    expect(idx1.search("disk").map((h) => h.slug)).toEqual(["a"]);
  });

  it("keeps the results of other limits apart", () => {
    const idx = new RunbookIndex(samples());
    expect(idx.search("latency", 1)).toHaveLength(1);
    expect(idx.search("latency", 20).length).toBeGreaterThan(1);
    expect(idx.search("latency", 0)).toEqual([]);
  });
});

describe("snippet", () => {
  it("cuts ≤ 200 characters around the match", () => {
    const text = `${"lorem ".repeat(100)}the needle is here ${"ipsum ".repeat(100)}`;
    const s = snippet(text, ["needle"]);
    expect(s.length).toBeLessThanOrEqual(200);
    expect(s).toContain("needle");
    expect(s.startsWith("…")).toBe(true);
    expect(snippet("short text", ["zzz"])).toBe("short text");
    expect(snippet("  short\n\n text  ", ["text"])).toBe("short text");
    expect(snippet(`${"word ".repeat(100)}`, [])).toMatch(/^word word .*…$/);
    const end = snippet(`${"lorem ".repeat(100)}needle`, ["NEEDLE".toLowerCase()]);
    expect(end.endsWith("needle")).toBe(true);
    expect(end.startsWith("…")).toBe(true);
  });
});
