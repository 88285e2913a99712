import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseRunbook } from "./parse";
import { RunbookIndex, snippet } from "./search";
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

describe("snippet", () => {
  it("cuts ≤ 200 characters around the match", () => {
    const text = `${"lorem ".repeat(100)}the needle is here ${"ipsum ".repeat(100)}`;
    const s = snippet(text, ["needle"]);
    expect(s.length).toBeLessThanOrEqual(200);
    expect(s).toContain("needle");
    expect(s.startsWith("…")).toBe(true);
    expect(snippet("short text", ["zzz"])).toBe("short text");
  });
});
