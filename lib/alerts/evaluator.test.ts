import { describe, expect, it } from "vitest";
import { SIGNALS, type SignalValues } from "../signals/types";
import { AlertEvaluator, NO_DATA_RESOLVE_MS } from "./evaluator";
import { AlertSchema, alertId, observationKey, type Alert, type AlertChange, type Observation } from "./model";
import { AlertRulesSchema, type AlertRuleInput } from "./schema";
import { thresholdObservations } from "./threshold";

const T0 = Date.UTC(2025, 2, 1, 12, 0, 0);
const S = 1_000;
const M = 60_000;

const latencyRule: AlertRuleInput = {
  name: "CheckoutHighLatency",
  service: "checkout",
  signal: "p99",
  op: ">",
  tiers: [{ tier: 1, value: 100, for: "1m" }],
  runbook_url: "/runbooks/checkout/high-latency",
};

function signals(p99: number): SignalValues {
  const v = Object.fromEntries(SIGNALS.map((s) => [s, 0])) as SignalValues;
  return { ...v, p99 };
}

/** An evaluator fed by real config rules: `at(t, p99)` evaluates one sample (null = no data). */
function board(rules: AlertRuleInput[] = [latencyRule]) {
  const parsed = AlertRulesSchema.parse(rules);
  const ev = new AlertEvaluator();
  const at = (t: number, p99: number | null): AlertChange[] =>
    ev.evaluate(t, thresholdObservations(parsed, t, { checkout: p99 === null ? null : signals(p99) }));
  return { ev, at };
}

const types = (changes: AlertChange[]) => changes.map((c) => `${c.type}:${c.alert.tier}`);

describe("AlertEvaluator: p99 > 100 ms for 1m = page", () => {
  it("goes pending, fires after exactly 1m, resolves when the condition turns false", () => {
    const { ev, at } = board();
    const [pending] = at(T0, 150);
    expect(pending.type).toBe("pending");
    expect(pending.alert).toMatchObject({ state: "pending", activeAt: T0, firedAt: null, severity: "page", tier: 1, value: 150 });

    expect(at(T0 + 30 * S, 140)).toEqual([]);
    expect(at(T0 + 59 * S, 130)).toEqual([]);
    expect(ev.current().map((a) => a.state)).toEqual(["pending"]);

    const [firing] = at(T0 + 60 * S, 120);
    expect(firing.type).toBe("firing");
    expect(firing.alert).toMatchObject({ state: "firing", activeAt: T0, firedAt: T0 + 60 * S, value: 120, threshold: 100 });
    expect(firing.alert.annotations.runbook_url).toBe("/runbooks/checkout/high-latency");

    expect(at(T0 + 2 * M, 130)).toEqual([]);
    expect(ev.current()[0].value).toBe(130);

    const [resolved] = at(T0 + 3 * M, 80);
    expect(resolved.type).toBe("resolved");
    expect(resolved.alert).toMatchObject({ state: "resolved", activeAt: T0, firedAt: T0 + 60 * S, resolvedAt: T0 + 3 * M, value: 80 });
    expect(ev.current()).toEqual([]);
    expect(ev.recentResolved()).toEqual([resolved.alert]);
    expect(at(T0 + 4 * M, 80)).toEqual([]);
  });

  it("a pending alert whose condition stops is cancelled and never fires", () => {
    const { ev, at } = board();
    at(T0, 150);
    const changes = at(T0 + 30 * S, 90);
    expect(types(changes)).toEqual(["cancelled:1"]);
    expect(changes[0].alert.firedAt).toBeNull();
    for (let t = T0 + 40 * S; t <= T0 + 3 * M; t += 10 * S) expect(at(t, 90)).toEqual([]);
    expect(ev.current()).toEqual([]);
    expect(ev.recentResolved()).toEqual([]);
  });

  it("flapping restarts the for timer", () => {
    const { at } = board();
    at(T0, 150);
    expect(types(at(T0 + 30 * S, 90))).toEqual(["cancelled:1"]);
    const [again] = at(T0 + 40 * S, 150);
    expect(again.type).toBe("pending");
    expect(again.alert.activeAt).toBe(T0 + 40 * S);
    // Without the reset it would fire here, 1m after the first breach.
    expect(at(T0 + 60 * S, 150)).toEqual([]);
    expect(at(T0 + 99 * S, 150)).toEqual([]);
    expect(types(at(T0 + 100 * S, 150))).toEqual(["firing:1"]);
  });

  it("a missing sample keeps a firing alert firing; 5 minutes without data resolve it as no data", () => {
    const { ev, at } = board();
    at(T0, 150);
    at(T0 + M, 150);
    const lastData = T0 + M;

    expect(at(lastData + 10 * S, null)).toEqual([]);
    expect(ev.current()).toMatchObject([{ state: "firing", value: null, firedAt: T0 + M }]);
    expect(at(lastData + NO_DATA_RESOLVE_MS - 1, null)).toEqual([]);

    const [resolved] = at(lastData + NO_DATA_RESOLVE_MS, null);
    expect(resolved.type).toBe("resolved");
    expect(resolved.alert).toMatchObject({ state: "resolved", resolvedAt: lastData + NO_DATA_RESOLVE_MS, value: null });
    expect(resolved.alert.annotations.resolution).toBe("no data");
    expect(ev.current()).toEqual([]);
  });

  it("after a gap, data decides: still breaching keeps firing, fine resolves at once", () => {
    const { ev, at } = board();
    at(T0, 150);
    at(T0 + M, 150);
    at(T0 + M + 10 * S, null);
    expect(at(T0 + M + 20 * S, 140)).toEqual([]);
    expect(ev.current()).toMatchObject([{ state: "firing", firedAt: T0 + M, value: 140 }]);
    // The no-data clock restarted with that sample: 4m later is not 5m without data.
    at(T0 + M + 30 * S, null);
    expect(at(T0 + M + 20 * S + 4 * M, null)).toEqual([]);
    const [resolved] = at(T0 + M + 20 * S + 4 * M + 10 * S, 70);
    expect(resolved.type).toBe("resolved");
    expect(resolved.alert.annotations.resolution).toBeUndefined();
  });

  it("a stale value is an absent series (Prometheus staleness): a firing alert resolves at once, a pending one is cancelled", () => {
    const parsed = AlertRulesSchema.parse([latencyRule, { ...latencyRule, name: "Slow", tiers: [{ tier: 2, value: 100, for: "10m" }] }]);
    const ev = new AlertEvaluator();
    const lastPoint = { ...signals(150), t: T0 + M };
    const at = (t: number) => ev.evaluate(t, thresholdObservations(parsed, t, { checkout: lastPoint }, { staleAfterMs: (id) => (id === "checkout" ? 20 * S : 0) }));
    at(T0);
    at(T0 + M);
    expect(ev.current().map((a) => a.state)).toEqual(["firing", "pending"]);
    // Within the bound the old value still counts; past it the series is absent.
    expect(at(T0 + M + 20 * S)).toEqual([]);
    const changes = at(T0 + M + 21 * S);
    expect(types(changes)).toEqual(["resolved:1", "cancelled:2"]);
    expect(changes[0].alert).toMatchObject({ value: null, resolvedAt: T0 + M + 21 * S, annotations: { resolution: "stale" } });
    expect(ev.current()).toEqual([]);
    expect(at(T0 + 5 * M)).toEqual([]);
  });

  it("no data is not a breach: a pending alert is cancelled", () => {
    const { ev, at } = board();
    at(T0, 150);
    expect(types(at(T0 + 10 * S, null))).toEqual(["cancelled:1"]);
    expect(ev.current()).toEqual([]);
  });

  it("for 0 fires on the first breaching sample", () => {
    const { ev, at } = board([{ ...latencyRule, tiers: [{ tier: 1, value: 100, for: "0s" }] }]);
    const changes = at(T0, 101);
    expect(types(changes)).toEqual(["firing:1"]);
    expect(changes[0].alert).toMatchObject({ activeAt: T0, firedAt: T0 });
    expect(ev.current()[0].state).toBe("firing");
  });

  it("ids are stable across evaluations, episodes and evaluator instances", () => {
    const { at } = board();
    const ids = [...at(T0, 150), ...at(T0 + M, 150), ...at(T0 + 2 * M, 50), ...at(T0 + 3 * M, 150)].map((c) => c.alert.id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(alertId("threshold", "CheckoutHighLatency", "checkout", 1));
    expect(board().at(T0, 150)[0].alert.id).toBe(ids[0]);
    expect(alertId("threshold", "CheckoutHighLatency", "checkout", 2)).not.toBe(ids[0]);
    expect(alertId("burn-rate", "CheckoutHighLatency", "checkout", 1)).not.toBe(ids[0]);
  });

  it("emits alerts that match the wire schema, with Prometheus-style labels", () => {
    const { at } = board([{ ...latencyRule, labels: { team: "payments" } }]);
    const [c] = at(T0, 150);
    expect(AlertSchema.parse(c.alert)).toEqual(c.alert);
    expect(c.alert.labels).toEqual({ team: "payments", alertname: "CheckoutHighLatency", service: "checkout", severity: "page", tier: "1" });
    expect(c.alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(c.alert.source).toBe("war-room");
    expect(c.alert.kind).toBe("threshold");
  });
});

describe("AlertEvaluator: three tiers on one rule", () => {
  const tiered: AlertRuleInput = {
    ...latencyRule,
    tiers: [
      { tier: 1, value: 100, for: "1m" },
      { tier: 2, value: 50, for: "5m" },
      { tier: 3, value: 30, for: "15m" },
    ],
  };

  it("at p99 = 60 only tiers 2 and 3 breach, each fires after its own for", () => {
    const { ev, at } = board([tiered]);
    expect(types(at(T0, 60))).toEqual(["pending:2", "pending:3"]);
    expect(at(T0 + 4 * M, 60)).toEqual([]);
    expect(types(at(T0 + 5 * M, 60))).toEqual(["firing:2"]);
    expect(types(at(T0 + 15 * M, 60))).toEqual(["firing:3"]);
    expect(ev.current().map((a) => `${a.tier}:${a.state}:${a.severity}`)).toEqual(["2:firing:urgent-ticket", "3:firing:ticket"]);
  });

  it("a climb to p99 = 120 adds the page while the lower tiers keep firing; a drop resolves each tier on its own", () => {
    const { ev, at } = board([tiered]);
    at(T0, 60);
    at(T0 + 15 * M, 60);
    expect(types(at(T0 + 16 * M, 120))).toEqual(["pending:1"]);
    expect(types(at(T0 + 17 * M, 120))).toEqual(["firing:1"]);
    expect(ev.current().map((a) => a.tier)).toEqual([1, 2, 3]);
    expect(types(at(T0 + 18 * M, 40))).toEqual(["resolved:1", "resolved:2"]);
    expect(ev.current().map((a) => `${a.tier}:${a.state}`)).toEqual(["3:firing"]);
  });

  it("a rule without service gives one alert per service", () => {
    const rules = AlertRulesSchema.parse([{ ...latencyRule, service: undefined, tiers: [{ tier: 1, value: 100, for: "0s" }] }]);
    const ev = new AlertEvaluator();
    const changes = ev.evaluate(T0, thresholdObservations(rules, T0, { checkout: signals(150), search: signals(20), cart: signals(300) }));
    expect(changes.map((c) => c.alert.service).sort()).toEqual(["cart", "checkout"]);
    expect(new Set(changes.map((c) => c.alert.id)).size).toBe(2);
  });
});

describe("AlertEvaluator: generic observations (burn-rate and friends)", () => {
  const burn = (active: boolean, value: number | null): Observation => ({
    key: observationKey("burn-rate", "checkout-availability:page-1h-5m", "checkout", 1),
    name: "checkout-availability:page-1h-5m",
    service: "checkout",
    tier: 1,
    kind: "burn-rate",
    active,
    value,
    threshold: 14.4,
    forMs: 0,
    labels: { slo: "checkout-availability" },
    annotations: { summary: "burning the error budget 14.4× too fast" },
  });

  it("carries a burn-rate condition through the same state machine", () => {
    const ev = new AlertEvaluator();
    const [fired] = ev.evaluate(T0, [burn(true, 20)]);
    expect(fired.type).toBe("firing");
    expect(fired.alert).toMatchObject({ kind: "burn-rate", value: 20, threshold: 14.4, severity: "page" });
    expect(ev.evaluate(T0 + M, [burn(false, 3)]).map((c) => c.type)).toEqual(["resolved"]);
  });

  it("null value is no data even when active is true; a key left out is no data too", () => {
    const ev = new AlertEvaluator();
    ev.evaluate(T0, [burn(true, 20)]);
    expect(ev.evaluate(T0 + M, [burn(true, null)])).toEqual([]);
    expect(ev.evaluate(T0 + 2 * M, [])).toEqual([]);
    expect(ev.current()[0].state).toBe("firing");
    expect(ev.evaluate(T0 + 5 * M, []).map((c) => c.type)).toEqual(["resolved"]);
  });

  it("refuses time going backwards and duplicate keys", () => {
    const ev = new AlertEvaluator();
    ev.evaluate(T0, []);
    expect(() => ev.evaluate(T0 - 1, [])).toThrow(/backwards/);
    expect(() => ev.evaluate(T0, [burn(true, 1), burn(true, 2)])).toThrow(/duplicate observation key/);
  });

  it("keeps a bounded list of resolved alerts, newest first", () => {
    const ev = new AlertEvaluator({ maxResolved: 3 });
    const obs = (i: number, active: boolean): Observation => ({ ...burn(active, 1), key: `k${i}`, name: `Rule${i}` });
    for (let i = 0; i < 5; i++) {
      ev.evaluate(T0 + i * M, [obs(i, true)]);
      ev.evaluate(T0 + i * M + S, [obs(i, false)]);
    }
    expect(ev.recentResolved().map((a: Alert) => a.name)).toEqual(["Rule4", "Rule3", "Rule2"]);
    expect(ev.recentResolved(1).map((a) => a.name)).toEqual(["Rule4"]);
    expect(ev.recentResolved(0)).toEqual([]);
  });
});

describe("AlertEvaluator.restore (a restart)", () => {
  it("keeps a restored firing alert quiet while the condition holds, and a pending one's for-clock running", () => {
    const first = board();
    first.at(T0, 150);
    const [firing] = first.at(T0 + 60 * S, 150);
    const pendingOnly = board();
    const [pending] = pendingOnly.at(T0 + 30 * S, 150);

    const again = board();
    again.ev.restore([firing.alert], T0 + 2 * M);
    expect(again.at(T0 + 2 * M, 160)).toEqual([]);
    expect(again.ev.current()).toMatchObject([{ id: firing.alert.id, state: "firing", firedAt: T0 + 60 * S, value: 160 }]);
    const [resolved] = again.at(T0 + 3 * M, 50);
    expect(resolved).toMatchObject({ type: "resolved", alert: { firedAt: T0 + 60 * S, resolvedAt: T0 + 3 * M } });

    const resumed = board();
    resumed.ev.restore([pending.alert], T0 + 40 * S);
    expect(resumed.at(T0 + 40 * S, 150)).toEqual([]);
    // Fires 1m after the ORIGINAL activeAt, not 1m after the restart.
    expect(types(resumed.at(T0 + 90 * S, 150))).toEqual(["firing:1"]);
  });
});
