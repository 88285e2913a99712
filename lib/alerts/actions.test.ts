import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Conflict, Invalid } from "../errors";
import { openStore, type Store } from "../store/store";
import { manualClock } from "../time";
import { AlertActions } from "./actions";
import { AlertEngine } from "./engine";
import { AlertRulesSchema } from "./schema";
import { SIGNALS, type SignalPoint } from "../signals/types";
import type { Alert } from "./model";

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const M = 60_000;

let dataDir: string;
let store: Store;
beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "war-room-actions-"));
  store = await openStore({ dataDir });
});
afterEach(async () => {
  await store.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

const rules = AlertRulesSchema.parse([
  { name: "HighErrorRate", signal: "errorPct", op: ">", tiers: [{ tier: 1, value: 5, for: "1m" }, { tier: 2, value: 2, for: "1m" }] },
]);
const point = (t: number, errorRate: number): SignalPoint => ({ ...(Object.fromEntries(SIGNALS.map((s) => [s, 1])) as Record<(typeof SIGNALS)[number], number>), errorPct: errorRate, t }) as SignalPoint;

describe("live alert values", () => {
  it("a pending alert's value follows every evaluation instead of staying at the first one", async () => {
    const engine = new AlertEngine({ store, rules, staleAfterMs: 60_000 });
    const first = await engine.evaluate(T0, { checkout: point(T0, 7.35) }, []);
    expect(first.filter((c) => c.type === "pending" && c.alert.tier === 1).map((c) => c.alert.value)).toEqual([7.35]);
    const next = await engine.evaluate(T0 + 1000, { checkout: point(T0 + 1000, 20) }, []);
    const page = next.find((c) => c.alert.tier === 1)!;
    expect(page).toMatchObject({ type: "update", alert: { state: "pending", value: 20 } });
    expect(page.alert.annotations.summary).toContain("20%");
    expect(engine.get(page.alert.id)?.value).toBe(20);
    // Nothing moved: nothing is sent.
    expect(await engine.evaluate(T0 + 2000, { checkout: point(T0 + 2000, 20) }, [])).toEqual([]);
    // Firing keeps updating too.
    const fired = await engine.evaluate(T0 + M, { checkout: point(T0 + M, 21) }, []);
    expect(fired.find((c) => c.alert.tier === 1)).toMatchObject({ type: "firing", alert: { value: 21 } });
    const later = await engine.evaluate(T0 + M + 1000, { checkout: point(T0 + M + 1000, 30) }, []);
    expect(later.find((c) => c.alert.tier === 1)).toMatchObject({ type: "update", alert: { state: "firing", value: 30 } });
  });
});

describe("AlertActions: acknowledgements and silences", () => {
  async function firing(): Promise<{ engine: AlertEngine; page: Alert }> {
    const engine = new AlertEngine({ store, rules, staleAfterMs: 60_000 });
    await engine.evaluate(T0, { checkout: point(T0, 9) }, []);
    await engine.evaluate(T0 + M, { checkout: point(T0 + M, 9) }, []);
    return { engine, page: engine.current().find((a) => a.tier === 1)! };
  }

  it("a silence mutes matching alerts until it ends by itself, on the injected clock", async () => {
    const clock = manualClock(T0 + M);
    const actions = new AlertActions({ store, clock });
    const { page } = await firing();
    const silence = await actions.createSilence({ matchers: ["service=checkout", "severity=~page|urgent-ticket"], durationMinutes: 30, reason: "known deploy" }, "ana");
    expect(silence).toMatchObject({ state: "active", createdBy: "ana", endsAt: T0 + 31 * M });
    expect(actions.decorate(page).silence).toMatchObject({ id: silence.id, by: "ana", reason: "known deploy" });
    expect(actions.decorate({ ...page, service: "payments", labels: { ...page.labels, service: "payments" } }).silence).toBeNull();
    clock.set(T0 + 31 * M - 1);
    expect(actions.isSilenced(page)).toBe(true);
    clock.set(T0 + 31 * M);
    expect(actions.isSilenced(page)).toBe(false);
    expect(actions.list()).toEqual([]);
    expect(actions.list({ expired: true })).toMatchObject([{ id: silence.id, state: "expired" }]);
  });

  it("acknowledgement and silence survive a new instance (read back from the store); expiring ends it now", async () => {
    const clock = manualClock(T0 + M);
    const { page } = await firing();
    const first = new AlertActions({ store, clock });
    expect((await first.ack(page, "ana")).created).toBe(true);
    expect((await first.ack(page, "bo")).ack.by).toBe("ana");
    const silence = await first.createSilence({ matchers: ["alertname=HighErrorRate"], durationMinutes: 60, reason: "drill" }, "bo");

    const again = new AlertActions({ store, clock });
    await again.load();
    expect(again.decorate(page)).toMatchObject({ ack: { by: "ana", at: T0 + M }, silence: { id: silence.id, by: "bo" } });
    // A new episode of the same alert is not acknowledged.
    expect(again.decorate({ ...page, activeAt: page.activeAt + 10 * M }).ack).toBeNull();

    clock.advance(5 * M);
    expect(await again.expire(silence.id, "cy")).toMatchObject({ state: "expired", expiredBy: "cy", endsAt: T0 + 6 * M });
    expect(again.isSilenced(page)).toBe(false);
    await expect(again.expire(silence.id, "cy")).rejects.toBeInstanceOf(Conflict);
  });

  it("refuses bad silences and writes nothing", async () => {
    const actions = new AlertActions({ store, clock: manualClock(T0) });
    await expect(actions.createSilence({ matchers: ["service=~.*"], durationMinutes: 10, reason: "x" }, "ana")).rejects.toBeInstanceOf(Invalid);
    await expect(actions.createSilence({ matchers: ["service=checkout"], durationMinutes: 0, reason: "x" }, "ana")).rejects.toThrow(/at least 1/);
    await expect(actions.createSilence({ matchers: ["service=checkout"], durationMinutes: 10, reason: " " }, "ana")).rejects.toThrow(/reason/);
    await expect(actions.createSilence({ matchers: ["nope"], durationMinutes: 10, reason: "x" }, "ana")).rejects.toThrow(/not a matcher/);
    expect(actions.list({ expired: true })).toEqual([]);
    expect(await store.db.selectFrom("silences").selectAll().execute()).toEqual([]);
  });

  it("retention drops acknowledgements and ended silences after 90 days, not a running silence", async () => {
    const clock = manualClock(T0 + M);
    const { page } = await firing();
    const actions = new AlertActions({ store, clock });
    await actions.ack(page, "ana");
    await actions.createSilence({ matchers: ["service=checkout"], durationMinutes: 10, reason: "short" }, "ana");
    const D = 24 * 3600_000;
    clock.set(T0 + 95 * D);
    const long = await actions.createSilence({ matchers: ["service=payments"], durationMinutes: 60, reason: "still running" }, "bo");
    expect(await actions.purger.purge(clock.now())).toBe(2);
    expect((await store.db.selectFrom("silences").select("id").execute()).map((r) => r.id)).toEqual([long.id]);
  });
});
