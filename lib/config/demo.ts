import type { ConfigInput } from "./schema";

/**
 * The built-in config used when WAR_ROOM_CONFIG is not set: eight simulated services
 * shaped like a small web shop, with thresholds an on-call team would start from.
 */
export const demoConfig: ConfigInput = {
  title: "War Room — demo shop",
  tickSeconds: 1,
  source: { kind: "simulator", seed: 7 },
  defaults: {
    thresholds: {
      p99: { warn: 300, critical: 800 },
      p999: { warn: 1000, critical: 2500 },
      errorPct: { warn: 1, critical: 5 },
      error5xxPct: { warn: 0.5, critical: 2 },
      cpuPct: { warn: 75, critical: 90 },
      memPct: { warn: 80, critical: 92 },
      poolPct: { warn: 75, critical: 90 },
    },
  },
  services: [
    {
      id: "edge-gateway",
      name: "Edge gateway",
      team: "platform",
      description: "Public entry point: TLS, routing, rate limits",
      dependsOn: ["auth", "catalog", "search", "checkout"],
      thresholds: { p99: { warn: 400, critical: 1000 } },
      simulation: { baseRps: 2400, latencyMs: 18, latencySigma: 0.5, errorPct: 0.03, capacityRps: 8000, poolSize: 400 },
    },
    {
      id: "auth",
      name: "Auth",
      team: "identity",
      description: "Sessions, tokens, login",
      simulation: { baseRps: 900, latencyMs: 12, latencySigma: 0.45, errorPct: 0.02, capacityRps: 3200, poolSize: 80 },
    },
    {
      id: "checkout",
      name: "Checkout",
      team: "payments",
      description: "Cart to order",
      dependsOn: ["payments", "catalog", "auth"],
      thresholds: { p99: { warn: 600, critical: 1500 }, p999: { warn: 1500, critical: 3000 } },
      simulation: { baseRps: 140, latencyMs: 95, latencySigma: 0.6, errorPct: 0.08, capacityRps: 520, poolSize: 60 },
    },
    {
      id: "payments",
      name: "Payments",
      team: "payments",
      description: "Card authorisation via the payment provider",
      thresholds: { p99: { warn: 900, critical: 2000 }, p999: { warn: 2000, critical: 4000 } },
      simulation: { baseRps: 90, latencyMs: 210, latencySigma: 0.5, errorPct: 0.1, capacityRps: 400, poolSize: 50 },
    },
    {
      id: "catalog",
      name: "Catalog",
      team: "discovery",
      description: "Products, prices, stock",
      simulation: { baseRps: 1500, latencyMs: 22, latencySigma: 0.5, errorPct: 0.02, capacityRps: 5000, poolSize: 120 },
    },
    {
      id: "search",
      name: "Search",
      team: "discovery",
      description: "Full-text product search",
      dependsOn: ["catalog"],
      simulation: { baseRps: 620, latencyMs: 45, latencySigma: 0.65, errorPct: 0.04, capacityRps: 2100, poolSize: 90 },
    },
    {
      id: "recommendations",
      name: "Recommendations",
      team: "discovery",
      description: "You may also like",
      dependsOn: ["catalog"],
      thresholds: { p99: { warn: 500, critical: 1200 }, p999: { warn: 1500, critical: 3000 } },
      simulation: { baseRps: 480, latencyMs: 70, latencySigma: 0.7, errorPct: 0.15, capacityRps: 1600, poolSize: 160 },
    },
    {
      id: "notifications",
      name: "Notifications",
      team: "messaging",
      description: "E-mail, push and SMS",
      dependsOn: ["auth"],
      simulation: { baseRps: 60, latencyMs: 35, latencySigma: 0.55, errorPct: 0.2, capacityRps: 300, poolSize: 30, memoryPct: 58 },
    },
  ],
  slos: [
    { id: "edge-availability", service: "edge-gateway", name: "Edge gateway availability", sli: { kind: "ratio", good: "non-5xx" }, target: 0.999, window: "30d" },
    { id: "edge-latency", service: "edge-gateway", name: "Edge gateway latency < 150 ms", sli: { kind: "latency", thresholdMs: 150 }, target: 0.999, window: "30d" },
    { id: "auth-availability", service: "auth", name: "Auth availability", sli: { kind: "ratio", good: "non-5xx" }, target: 0.9995, window: "30d" },
    { id: "checkout-availability", service: "checkout", name: "Checkout availability", sli: { kind: "ratio", good: "non-5xx" }, target: 0.999, window: "30d" },
    { id: "checkout-latency", service: "checkout", name: "Checkout latency < 500 ms", sli: { kind: "latency", thresholdMs: 500 }, target: 0.99, window: "28d" },
    { id: "payments-availability", service: "payments", name: "Payments availability", sli: { kind: "ratio", good: "non-5xx" }, target: 0.999, window: "calendar-month" },
    { id: "catalog-availability", service: "catalog", name: "Catalog availability", sli: { kind: "ratio", good: "non-5xx" }, target: 0.999, window: "30d" },
    { id: "search-latency", service: "search", name: "Search latency < 400 ms", sli: { kind: "latency", thresholdMs: 400 }, target: 0.99, window: "7d" },
    { id: "recommendations-availability", service: "recommendations", name: "Recommendations availability", sli: { kind: "ratio", good: "non-error" }, target: 0.995, window: "7d" },
    { id: "notifications-availability", service: "notifications", name: "Notifications availability", sli: { kind: "ratio", good: "non-5xx" }, target: 0.995, window: "30d" },
  ],
  alerts: [
    {
      name: "HighLatencyP99",
      runbook_url: "/runbooks/high-latency",
      signal: "p99",
      op: ">",
      tiers: [
        { tier: 1, value: 1500, for: "1m" },
        { tier: 2, value: 1000, for: "5m" },
        { tier: 3, value: 800, for: "15m" },
      ],
      summary: "p99 latency of {{service}} is {{value}} ms (threshold {{threshold}} ms)",
    },
    {
      name: "HighErrorRate",
      runbook_url: "/runbooks/high-error-rate",
      signal: "errorPct",
      op: ">",
      tiers: [
        { tier: 1, value: 5, for: "1m" },
        { tier: 2, value: 2, for: "5m" },
        { tier: 3, value: 1, for: "15m" },
      ],
      summary: "{{value}} % of requests to {{service}} fail (threshold {{threshold}} %)",
    },
    {
      name: "CpuSaturated",
      runbook_url: "/runbooks/cpu-saturation",
      signal: "cpuPct",
      op: ">=",
      tiers: [
        { tier: 2, value: 90, for: "5m" },
        { tier: 3, value: 80, for: "15m" },
      ],
      summary: "CPU of {{service}} at {{value}} % (threshold {{threshold}} %)",
    },
  ],
};
