import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../lib/config/load";
import { estateConfig, estateServiceId } from "./support/estate";

describe("a generated estate config (test/support/estate.ts)", () => {
  it("is the same config as YAML and as JSON", () => {
    expect(parseConfig(estateConfig(60, { format: "json" }))).toEqual(parseConfig(estateConfig(60)));
  });

  it("validates at the schema's limit of 5,000 services, each with an SLO and the tiered alert rules", () => {
    const config = parseConfig(estateConfig(5000, { format: "json" }), "estate.json");
    expect(config.services).toHaveLength(5000);
    expect(config.slos).toHaveLength(5000);
    expect(new Set(config.slos.map((s) => s.service)).size).toBe(5000);
    expect(config.services[4999].id).toBe(estateServiceId(4999));
    expect(config.alerts.map((a) => a.name)).toEqual(["HighLatencyP99", "HighErrorRate", "CpuSaturated"]);
  });

  it("a JSON config with a problem is refused with the problem's path, like YAML", () => {
    const text = JSON.stringify({ services: [{ id: "api", simulation: { baseRps: "many" } }] });
    expect(() => parseConfig(text, "bad.json")).toThrow(ConfigError);
    try {
      parseConfig(text, "bad.json");
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.path)).toContain("services[0].simulation.baseRps");
    }
  });
});
