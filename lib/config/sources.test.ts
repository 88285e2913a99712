import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, parseConfig, withEnvOverrides } from "./load";
import { prometheusSettings, servicesBySource } from "../sources/config";

function problems(run: () => unknown) {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("config was accepted");
}

describe("source per service", () => {
  it("mixes a simulated demo, Prometheus-scraped services and pushed ones", () => {
    const cfg = parseConfig(`
source: { kind: simulator, seed: 3 }
prometheus: { url: "http://prom:9090" }
services:
  - id: demo
  - id: api
    source: prometheus
  - id: batch
    source: push
`);
    expect(servicesBySource(cfg)).toEqual({ simulator: ["demo"], prometheus: ["api"], push: ["batch"] });
    expect(prometheusSettings(cfg)).toMatchObject({ kind: "prometheus", url: "http://prom:9090", serviceLabel: "service" });
  });

  it("takes `source: push` as the global default, and `none` when every service names its own", () => {
    expect(servicesBySource(parseConfig("source: push\nservices:\n  - id: a\n  - id: b\n"))).toEqual({ simulator: [], prometheus: [], push: ["a", "b"] });
    expect(servicesBySource(parseConfig("source: none\nservices:\n  - id: a\n    source: simulator\n  - id: b\n    source: push\n"))).toEqual({ simulator: ["a"], prometheus: [], push: ["b"] });
  });

  it("refuses a bad source choice with path and reason", () => {
    expect(problems(() => parseConfig("source: none\nservices:\n  - id: a\n")) ).toEqual([{ path: "services[0].source", message: expect.stringMatching(/required when the global source is "none"/) }]);
    expect(problems(() => parseConfig("services:\n  - id: a\n    source: prometheus\n"))).toEqual([{ path: "services[0].source", message: expect.stringMatching(/needs Prometheus settings: add a prometheus: section/) }]);
    expect(problems(() => parseConfig("services:\n  - id: a\n    source: kafka\n"))).toEqual([{ path: "services[0].source", message: expect.stringMatching(/simulator, prometheus, push/) }]);
    expect(problems(() => parseConfig("source: carrier-pigeon\nservices:\n  - id: a\n"))[0]).toMatchObject({ path: "source.kind" });
    expect(problems(() => parseConfig('source: { kind: prometheus, url: "http://p" }\nprometheus: { url: "http://q" }\nservices:\n  - id: a\n'))).toEqual([
      { path: "prometheus", message: expect.stringMatching(/given twice/) },
    ]);
  });

  it("refuses credentials in the Prometheus URL without repeating them", () => {
    const p = problems(() => parseConfig('source: { kind: prometheus, url: "http://ada:hunter22@prom:9090" }\nservices:\n  - id: a\n'));
    expect(p).toEqual([{ path: "source.url", message: expect.stringMatching(/must not carry credentials.*basicAuth/) }]);
    expect(JSON.stringify(p)).not.toContain("hunter22");
    const env = problems(() => withEnvOverrides(parseConfig("services:\n  - id: a\n"), { PROMETHEUS_URL: "http://ada:hunter22@prom" }));
    expect(env).toEqual([{ path: "PROMETHEUS_URL", message: expect.stringMatching(/must not carry credentials/) }]);
  });
});

describe("withEnvOverrides", () => {
  it("PROMETHEUS_URL fills the prometheus: section of a mixed config, and switches a simulator-only one", () => {
    const mixed = withEnvOverrides(parseConfig("prometheus: {}\nservices:\n  - id: a\n  - id: b\n    source: prometheus\n"), { PROMETHEUS_URL: "http://prom:9090" });
    expect(mixed.source.kind).toBe("simulator");
    expect(mixed.prometheus?.url).toBe("http://prom:9090");
    const legacy = withEnvOverrides(parseConfig("services:\n  - id: a\n"), { PROMETHEUS_URL: "http://prom:9090" });
    expect(legacy.source).toMatchObject({ kind: "prometheus", url: "http://prom:9090" });
    const push = withEnvOverrides(parseConfig("source: push\nservices:\n  - id: a\n"), { PROMETHEUS_URL: "http://prom:9090" });
    expect(push.source.kind).toBe("push");
  });

  it("needs a url, readable credential files and set variables for the Prometheus settings in use", () => {
    const dir = mkdtempSync(join(tmpdir(), "wr-cfg-"));
    writeFileSync(join(dir, "token"), "t0ken-abcdef\n");
    const cfg = (extra: string) => parseConfig(`prometheus: { ${extra} }\nservices:\n  - id: b\n    source: prometheus\n`);
    expect(problems(() => withEnvOverrides(cfg(""), {}, {}))).toEqual([{ path: "prometheus.url", message: expect.stringMatching(/needs a url/) }]);
    expect(problems(() => withEnvOverrides(cfg('url: "http://p", basicAuth: { username: ada, passwordEnv: PROM_PW }'), {}, {}))).toEqual([
      { path: "prometheus.basicAuth.passwordEnv", message: "environment variable PROM_PW is not set" },
    ]);
    expect(problems(() => withEnvOverrides(cfg(`url: "https://p", bearerToken: { file: "${dir}/missing" }, tls: { certFile: "${dir}/token" }`), {}, {}))).toEqual([
      { path: "prometheus.tls", message: "certFile and keyFile go together" },
    ]);
    expect(() => withEnvOverrides(cfg(`url: "http://p", bearerToken: { file: "${dir}/token" }`), {}, {})).not.toThrow();
    expect(() => withEnvOverrides(cfg('url: "http://p", basicAuth: { username: ada, passwordEnv: PROM_PW }'), {}, { PROM_PW: "x" })).not.toThrow();
  });
});
