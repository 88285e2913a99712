import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/load";
import { parsePlan, type PlanNames } from "./plan";
import { initialProbe, observe, parseCondition } from "./conditions";

const config = loadConfig(undefined);
const names: PlanNames = {
  services: new Set(config.services.map((s) => s.id)),
  simulated: new Set(config.services.map((s) => s.id)),
  slos: new Set(config.slos.map((s) => s.id)),
};

const plan = (fm: string, body = "") => `---\n${fm}\n---\n${body}`;
const base = (over: Record<string, string> = {}) => {
  const fields: Record<string, string> = {
    title: "title: T",
    objective: "objective: O",
    owner: "owner: me",
    services: "services: [checkout]",
    hypothesis: "hypothesis:\n  - checkout.errorPct < 1",
    steps: "steps:\n  - +0 observe\n  - +1m drill errors on payments 30% for 1m",
    ...over,
  };
  return plan(Object.values(fields).join("\n"));
};
const problems = (src: string) => {
  const r = parsePlan("t", src, names);
  if (!("problems" in r)) throw new Error("expected problems");
  return r.problems;
};

describe("game-day plans", () => {
  it("the sample plans load against the demo config", () => {
    const dir = join(process.cwd(), "gamedays");
    const files = readdirSync(dir).filter((f) => f.endsWith(".md"));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const r = parsePlan(f.slice(0, -3), readFileSync(join(dir, f), "utf8"), names);
      expect("problems" in r ? r.problems : [], f).toEqual([]);
    }
    const db = parsePlan("db-failover", readFileSync(join(dir, "db-failover.md"), "utf8"), names);
    if ("problems" in db) throw new Error("db-failover invalid");
    expect(db.prerequisites).toHaveLength(3);
    expect(db.steps.map((s) => s.kind)).toEqual(["observe", "drill", "expect", "manual", "observe"]);
    expect(db.steps[1]).toMatchObject({ drill: "dependency-outage", target: "catalog", durationMs: 180_000, at: 60_000 });
    expect(db.abort[0]).toMatchObject({ op: ">", value: 20, forMs: 30_000 });
    const ladder = parsePlan("load-ladder", readFileSync(join(dir, "load-ladder.md"), "utf8"), names);
    if ("problems" in ladder) throw new Error("ladder invalid");
    // A level without "for" lasts until the next one.
    expect(ladder.steps.filter((s) => s.kind === "traffic").map((s) => [s.kind === "traffic" && s.factor, s.kind === "traffic" && s.durationMs])).toEqual([
      [1, 60_000],
      [5, 120_000],
      [10, 120_000],
      [20, 120_000],
    ]);
  });

  it("a condition that does not parse is reported on its own line", () => {
    const p = problems(base({ hypothesis: "hypothesis:\n  - checkout.errorPct < 1\n  - checkout p99 below 800" }));
    expect(p).toEqual([{ line: 8, message: expect.stringContaining('condition "checkout p99 below 800" does not parse') }]);
  });

  it("names the unknown service, SLO or signal", () => {
    expect(problems(base({ services: "services: [checkout, billing]" }))).toEqual([{ line: 5, message: 'unknown service "billing"' }]);
    expect(problems(base({ hypothesis: "hypothesis:\n  - nope-slo.burn1h < 6" }))[0].message).toContain('unknown service or SLO "nope-slo"');
    expect(problems(base({ hypothesis: "hypothesis:\n  - checkout.latency < 6" }))[0].message).toContain('unknown signal "latency"');
    expect(problems(base({ steps: "steps:\n  - +0 drill errors on billing 30% for 1m" }))).toEqual([{ line: 9, message: expect.stringContaining('unknown service "billing"') }]);
  });

  it("refuses a magnitude out of the drills' bounds", () => {
    const p = problems(base({ steps: "steps:\n  - +0 drill errors on payments 300% for 1m" }));
    expect(p[0]).toEqual({ line: 9, message: expect.stringContaining("between 0.1 and 100") });
    expect(problems(base({ steps: "steps:\n  - +0 traffic x80 for 1m" }))[0].message).toContain("between 1.1 and 50");
  });

  it("refuses unordered steps and bad durations", () => {
    const unordered = problems(base({ steps: "steps:\n  - +2m observe\n  - +1m observe" }));
    expect(unordered).toEqual([{ line: 10, message: expect.stringContaining("out of order") }]);
    const bad = problems(base({ steps: "steps:\n  - +1.5m observe\n  - +1m drill errors on payments 30% for 2x" }));
    expect(bad.map((p) => p.line)).toEqual([9, 10]);
    expect(bad[0].message).toContain("fractions are not allowed");
    expect(problems(base({ abort: "abort:\n  - checkout.errorPct > 5" }))[0]).toEqual({ line: 12, message: expect.stringContaining('needs a duration: add "for 30s"') });
    expect(problems(base({ maxDuration: "maxDuration: 30s" }))[0].message).toContain("longer than maxDuration");
  });

  it("reports a missing field and an unknown one with their lines", () => {
    // A missing field has no line of its own: the first line of the front matter.
    expect(problems(base({ owner: "" }))).toEqual([{ line: 2, message: "owner is required" }]);
    expect(problems(base({ extra: "colour: blue" }))).toEqual([{ line: 11, message: 'unknown field "colour"' }]);
  });
});

describe("conditions", () => {
  it("reads units: seconds are milliseconds of latency; a percentage is not a latency", () => {
    expect(parseCondition("checkout.p99 < 1.5s", names)).toMatchObject({ value: 1500, op: "<" });
    expect(parseCondition("checkout-availability.burn1h < 6", names).target).toEqual({ kind: "slo", id: "checkout-availability", signal: "burn1h" });
    expect(() => parseCondition("checkout.p99 < 5%", names)).toThrow(/p99 is in ms, not "%"/);
  });

  it("holds only after being true for its `for` duration; a false sample resets it; no data keeps the state", () => {
    const c = parseCondition("checkout.errorPct > 5 for 30s", names);
    let s = observe(c, initialProbe, 6, 0);
    expect(s.holds).toBe(false);
    s = observe(c, s, 7, 29_000);
    expect(s.holds).toBe(false);
    s = observe(c, s, null, 29_500);
    expect(s).toMatchObject({ holds: false, trueSince: 0 });
    s = observe(c, s, 8, 30_000);
    expect(s.holds).toBe(true);
    s = observe(c, s, 2, 31_000);
    expect(s).toMatchObject({ holds: false, trueSince: null });
    s = observe(c, s, 9, 32_000);
    expect(s.holds).toBe(false);
    expect(observe(c, s, 9, 62_000).holds).toBe(true);
  });
});
