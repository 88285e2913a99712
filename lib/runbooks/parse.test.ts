import { describe, expect, it } from "vitest";
import { RunbookError, parseRunbook, splitFrontMatter } from "./parse";
import { isStale } from "./model";

const doc = (fm: string, body = "# Title\n\n- [ ] one\n") => `---\n${fm}\n---\n${body}`;
const reason = (text: string) => {
  try {
    parseRunbook("x", text);
  } catch (e) {
    expect(e).toBeInstanceOf(RunbookError);
    return (e as Error).message;
  }
  throw new Error("expected the runbook to be rejected");
};

describe("front matter", () => {
  it("splits YAML from the body", () => {
    expect(splitFrontMatter("---\ntitle: A\n---\nbody\n")).toEqual({ yaml: "title: A", body: "body\n" });
  });

  it("rejects files with a reason a person can act on", () => {
    expect(reason("# no front matter")).toMatch(/must start with a "---" line/);
    expect(reason("---\ntitle: A\n# never closed")).toMatch(/not closed/);
    expect(reason(doc("title: [unclosed"))).toMatch(/not valid YAML \(front matter line \d+/);
    expect(reason(doc("title: A\ntitle: B"))).toMatch(/not valid YAML.*[Mm]ap keys must be unique/);
    expect(reason(doc("services: [checkout]"))).toMatch(/title: title is required/);
    expect(reason(doc("title: A\nseverity: SEV9"))).toMatch(/severity: severity must be one of SEV1/);
    expect(reason(doc("title: A\nlast_reviewed: 2026-02-30"))).toMatch(/last_reviewed: must be a date as YYYY-MM-DD/);
    expect(reason(doc("title: A\nservices: checkout"))).toMatch(/^front matter: services: /);
    expect(reason(doc("- just\n- a list"))).toMatch(/must be a YAML mapping/);
  });

  it("reads every field with defaults", () => {
    const rb = parseRunbook("checkout/slow", doc("title: Slow\nservices: [checkout]\nalerts: [HighLatencyP99]\nseverity: SEV2\nowner: sre\nlast_reviewed: 2026-11-01\ntags: [latency]"));
    expect(rb).toMatchObject({ slug: "checkout/slow", title: "Slow", services: ["checkout"], alerts: ["HighLatencyP99"], severity: "SEV2", owner: "sre", lastReviewed: "2026-11-01", tags: ["latency"], steps: 1 });
    expect(parseRunbook("b", doc("title: Bare"))).toMatchObject({ services: [], alerts: [], severity: null, owner: null, lastReviewed: null, tags: [] });
  });
});

describe("body", () => {
  const body = [
    "# High latency (p99)",
    "## Diagnosis",
    "- [ ] Check the **deploy** log: `kubectl rollout history`",
    "- [x] Read [the dashboard](https://grafana.example/d/1)",
    "* [ ] Star item",
    "```sh",
    "- [ ] not a step: inside a code block",
    "# not a heading",
    "```",
    "## Diagnosis",
    "1. [ ] numbered step",
    "- plain bullet",
  ].join("\n");
  const rb = parseRunbook("x", doc("title: X", body));

  it("extracts checklist items in order, without markdown markers, skipping code blocks", () => {
    expect(rb.checklist).toEqual([
      { index: 0, text: "Check the deploy log: kubectl rollout history" },
      { index: 1, text: "Read the dashboard" },
      { index: 2, text: "Star item" },
      { index: 3, text: "numbered step" },
    ]);
    expect(rb.steps).toBe(4);
  });

  it("builds the toc with github-slugger ids (duplicates numbered)", () => {
    expect(rb.toc).toEqual([
      { depth: 1, text: "High latency (p99)", id: "high-latency-p99" },
      { depth: 2, text: "Diagnosis", id: "diagnosis" },
      { depth: 2, text: "Diagnosis", id: "diagnosis-1" },
    ]);
  });

  it("keeps the markdown body without front matter", () => {
    expect(rb.markdown.startsWith("# High latency")).toBe(true);
    expect(rb.text).toContain("kubectl rollout history");
    expect(rb.text).not.toContain("**");
  });
});

describe("stale", () => {
  const now = Date.UTC(2026, 10, 23, 12);
  it("is stale when reviewed more than 90 days ago or never", () => {
    expect(isStale("2026-11-01", now)).toBe(false);
    expect(isStale("2026-08-26", now)).toBe(false);
    expect(isStale("2026-08-24", now)).toBe(true);
    expect(isStale(null, now)).toBe(true);
  });
});
