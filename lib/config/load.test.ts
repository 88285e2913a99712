import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "./load";

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
