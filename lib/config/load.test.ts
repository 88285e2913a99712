import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, parseConfig, runbooksDirOf } from "./load";

function problems(yaml: string) {
  try {
    parseConfig(yaml, "war-room.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("config was accepted");
}

describe("config", () => {
  it("the built-in demo config is valid and has eight services", () => {
    const cfg = loadConfig(undefined);
    expect(cfg.services.map((s) => s.id)).toEqual([
      "edge-gateway",
      "auth",
      "checkout",
      "payments",
      "catalog",
      "search",
      "recommendations",
      "notifications",
    ]);
  });

  it("fills defaults for a minimal file", () => {
    const cfg = parseConfig("services:\n  - id: api\n");
    expect(cfg.tickSeconds).toBe(1);
    expect(cfg.source).toEqual({ kind: "simulator", seed: 1 });
    expect(cfg.services[0].simulation.baseRps).toBe(200);
  });

  it("lists every problem with its path and reason", () => {
    const p = problems(`
services:
  - id: Bad_Id
    thresholds:
      p99: { warn: 500, critical: 100 }
      nosuch: { warn: 1 }
  - id: api
    dependsOn: [ghost]
  - id: api
tickSeconds: 0
colour: red
`);
    const paths = p.map((x) => x.path);
    expect(paths).toContain("services[0].id");
    expect(paths).toContain("services[0].thresholds.p99");
    expect(p).toContainEqual({ path: "services[0].thresholds", message: expect.stringMatching(/nosuch/) });
    expect(paths).toContain("tickSeconds");
    expect(p.find((x) => x.path === "(root)")?.message).toMatch(/colour/);
    expect(p.length).toBeGreaterThanOrEqual(5);
  });

  it("reports duplicate ids and unknown dependencies", () => {
    const p = problems("services:\n  - id: api\n    dependsOn: [ghost]\n  - id: api\n");
    expect(p).toContainEqual({ path: "services[1].id", message: expect.stringMatching(/duplicate service id "api"/) });
    expect(p).toContainEqual({ path: "services[0].dependsOn[0]", message: 'unknown service "ghost"' });
  });

  it("reports YAML syntax errors with line and column", () => {
    const p = problems("services:\n  - id: api\n    name: [unclosed\n");
    expect(p[0].path).toMatch(/^line \d+, column \d+$/);
  });

  it("reports a file that cannot be read", () => {
    expect(() => loadConfig("/nonexistent/war-room.yaml")).toThrow(/cannot read: ENOENT/);
  });

  it("refuses an empty service list", () => {
    expect(problems("services: []\n")[0]).toMatchObject({ path: "services", message: expect.stringMatching(/at least one service/) });
  });
});

describe("config: SLOs, alert rules and OpenSLO files", () => {
  const base = "services:\n  - id: api\n";

  it("refuses bad SLOs and alert rules, each with its path and reason", () => {
    const p = problems(`${base}slos:
  - { id: a, service: api, sli: { kind: ratio, good: non-5xx }, target: 99.9, window: 30d }
  - { id: b, service: ghost, sli: { kind: ratio, good: non-5xx }, target: 0.99, window: 14d }
  - { id: c, service: api, sli: { kind: latency }, target: 0.99, window: 7d }
alerts:
  - { name: Slow, service: ghost, signal: p99, op: ">", tiers: [{ tier: 1, value: 100, for: 1m }] }
  - { name: Odd, signal: p99, op: "!=", tiers: [{ tier: 1, value: 100, for: 1m }] }
`);
    const at = (path: string) => p.filter((x) => x.path === path).map((x) => x.message).join(" | ");
    expect(at("slos[0].target")).toMatch(/0\.999 for 99\.9%/);
    expect(at("slos[1].window")).not.toBe("");
    expect(at("slos[1].service")).toMatch(/unknown service "ghost"/);
    expect(p.some((x) => x.path.startsWith("slos[2].sli"))).toBe(true);
    expect(at("alerts[0].service")).toMatch(/unknown service "ghost"/);
    expect(p.some((x) => x.path.startsWith("alerts[1].op"))).toBe(true);
  });

  it("adds the SLOs of OpenSLO files named in the config, relative to it", () => {
    const dir = mkdtempSync(join(tmpdir(), "war-room-openslo-"));
    writeFileSync(
      join(dir, "api-slo.yaml"),
      `apiVersion: openslo/v1
kind: SLO
metadata: { name: api-availability }
spec:
  service: api
  budgetingMethod: Occurrences
  timeWindow: [{ duration: 28d, isRolling: true }]
  objectives: [{ target: 0.995 }]
  indicator:
    metadata: { name: api-errors }
    spec:
      ratioMetric:
        counter: true
        good: { metricSource: { type: Prometheus, spec: { query: 'sum(rate(http_requests_total{code!~"5.."}[5m]))' } } }
        total: { metricSource: { type: Prometheus, spec: { query: "sum(rate(http_requests_total[5m]))" } } }
`,
    );
    const file = join(dir, "war-room.yaml");
    writeFileSync(file, `${base}openslo: [api-slo.yaml]\n`);
    const cfg = loadConfig(file);
    expect(cfg.slos).toHaveLength(1);
    expect(cfg.slos[0]).toMatchObject({ service: "api", target: 0.995, window: "28d", sli: { kind: "ratio", good: "non-5xx" } });
  });

  it("reports problems inside an OpenSLO file with the file and document path", () => {
    const dir = mkdtempSync(join(tmpdir(), "war-room-openslo-"));
    writeFileSync(join(dir, "bad.yaml"), "apiVersion: openslo/v1\nkind: SLO\nmetadata: { name: x }\nspec:\n  service: api\n  budgetingMethod: Timeslices\n");
    const file = join(dir, "war-room.yaml");
    writeFileSync(file, `${base}openslo: [bad.yaml, missing.yaml]\n`);
    try {
      loadConfig(file);
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msgs = (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`).join("\n");
      expect(msgs).toMatch(/openslo\[0\] \(bad\.yaml\).*budgetingMethod.*Timeslices/s);
      expect(msgs).toMatch(/openslo\[1\] \(missing\.yaml\).*ENOENT/);
    }
  });
});

describe("config: runbook folder", () => {
  it("resolves `runbooks` relative to the config file; WAR_ROOM_RUNBOOKS_DIR wins; default ./runbooks", () => {
    const dir = mkdtempSync(join(tmpdir(), "war-room-runbooks-cfg-"));
    const file = join(dir, "war-room.yaml");
    writeFileSync(file, "services:\n  - id: api\nrunbooks: ops/runbooks\n");
    const cfg = loadConfig(file);
    expect(cfg.runbooks).toBe(join(dir, "ops/runbooks"));
    expect(runbooksDirOf(cfg, undefined)).toBe(join(dir, "ops/runbooks"));
    expect(runbooksDirOf(cfg, "/srv/rb")).toBe("/srv/rb");
    expect(runbooksDirOf(loadConfig(undefined), undefined, "/app")).toBe("/app/runbooks");
  });
});
