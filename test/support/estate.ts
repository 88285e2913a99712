import { stringify } from "yaml";

/**
 * A generated estate of `n` simulated services shaped like lib/config/demo.ts, for the scale
 * test (test/scale.integration.test.ts), the 1,000-tile board test and bench/scale:
 * teams of ten services, each depending on up to three earlier ones, one availability SLO per
 * service and a latency SLO on every other one (as many as the 5,000-SLO limit leaves room for),
 * and the demo's three tiered alert rules. Deterministic: the same `n` gives the same text.
 */
export type EstateOptions = { seed?: number; tickSeconds?: number; title?: string; format?: "yaml" | "json" };

const TEAMS = ["platform", "identity", "payments", "discovery", "messaging", "search", "data", "mobile", "growth", "ops"];
const MAX_SLOS = 5000;
const WINDOWS = ["30d", "28d", "7d", "calendar-month"] as const;

export function estateServiceId(i: number): string {
  return `svc-${String(i).padStart(4, "0")}`;
}

export function estateConfigObject(n: number, opts: EstateOptions = {}) {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`estate size must be a positive integer, got ${n}`);
  const services = Array.from({ length: n }, (_, i) => {
    const baseRps = 20 + ((i * 37) % 400) * 5;
    const deps = [1, 3, 7].map((d) => i - d).filter((j) => j >= 0 && (i + j) % 2 === 0);
    return {
      id: estateServiceId(i),
      name: `Service ${i}`,
      team: TEAMS[Math.floor(i / 10) % TEAMS.length],
      dependsOn: deps.map(estateServiceId),
      simulation: { baseRps, latencyMs: 10 + ((i * 13) % 190), latencySigma: 0.5, errorPct: 0.02 + ((i * 7) % 10) / 100, capacityRps: baseRps * 3.5, poolSize: 50 + (i % 10) * 20 },
    };
  });
  // The config takes at most 5,000 SLOs (lib/slo/schema.ts): latency SLOs only while they fit.
  const latencySlos = Math.min(Math.ceil(n / 2), MAX_SLOS - n);
  const slos = services.flatMap((s, i) => {
    const avail = { id: `${s.id}-availability`, service: s.id, name: `${s.name} availability`, sli: { kind: "ratio", good: "non-5xx" }, target: 0.999, window: WINDOWS[i % WINDOWS.length] };
    if (i % 2 === 1 || i / 2 >= latencySlos) return [avail];
    return [avail, { id: `${s.id}-latency`, service: s.id, name: `${s.name} latency < 500 ms`, sli: { kind: "latency", thresholdMs: 500 }, target: 0.99, window: "30d" }];
  });
  const tiers = (values: number[], fors = ["1m", "5m", "15m"]) => values.map((value, k) => ({ tier: k + 1, value, for: fors[k] }));
  return {
    title: opts.title ?? `War Room — ${n} services`,
    tickSeconds: opts.tickSeconds ?? 1,
    source: { kind: "simulator", seed: opts.seed ?? 7 },
    defaults: { thresholds: { p99: { warn: 300, critical: 800 }, errorPct: { warn: 1, critical: 5 }, cpuPct: { warn: 75, critical: 90 } } },
    services,
    slos,
    alerts: [
      { name: "HighLatencyP99", runbook_url: "/runbooks/high-latency", signal: "p99", op: ">", tiers: tiers([1500, 1000, 800]), summary: "p99 latency of {{service}} is {{value}} ms" },
      { name: "HighErrorRate", runbook_url: "/runbooks/high-error-rate", signal: "errorPct", op: ">", tiers: tiers([5, 2, 1]), summary: "{{value}} % of requests to {{service}} fail" },
      { name: "CpuSaturated", runbook_url: "/runbooks/cpu-saturation", signal: "cpuPct", op: ">=", tiers: [{ tier: 2, value: 90, for: "5m" }, { tier: 3, value: 80, for: "15m" }], summary: "CPU of {{service}} at {{value}} %" },
    ],
  };
}

/** The estate as the text of a config file (WAR_ROOM_CONFIG): YAML, or JSON (also YAML, and read faster: lib/config/load.ts). */
export function estateConfig(n: number, opts: EstateOptions = {}): string {
  const config = estateConfigObject(n, opts);
  return opts.format === "json" ? JSON.stringify(config) : stringify(config);
}
