import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreUnavailable } from "../errors";
import { openStore, type Store } from "../store/store";
import { AlertmanagerConfigSchema, parseWebhook } from "./alertmanager";
import { AlertEngine } from "./engine";
import { observationKey, type Observation } from "./model";
import { listAlertEvents } from "./repo";

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const cfg = AlertmanagerConfigSchema.parse({});

let dataDir: string;
let store: Store;
/** While true, every insert fails as it does when PostgreSQL cannot be reached (lib/store/outage.ts). */
let down = false;
let flaky: Store;

beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "war-room-engine-"));
  store = await openStore({ dataDir });
  down = false;
  const db = new Proxy(store.db, {
    get(target, prop) {
      if (prop === "insertInto" && down) {
        return () => {
          throw new StoreUnavailable();
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  flaky = { ...store, db };
});
afterEach(async () => {
  await store.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

const webhook = (status: "firing" | "resolved") =>
  parseWebhook({
    version: "4",
    groupKey: "g",
    status,
    alerts: [{ status, labels: { alertname: "DiskFull", service: "catalog", severity: "critical" }, annotations: {}, startsAt: "2026-11-23T11:00:00Z", endsAt: status === "firing" ? "0001-01-01T00:00:00Z" : "2026-11-23T11:30:00Z" }],
  });

describe("AlertEngine while the store cannot be reached", () => {
  it("takes back an Alertmanager webhook it could not record, so the retry records it", async () => {
    const engine = new AlertEngine({ store: flaky, rules: [], staleAfterMs: 2_000 });
    down = true;
    await expect(engine.receive(webhook("firing"), cfg, T0)).rejects.toBeInstanceOf(StoreUnavailable);
    expect(engine.current()).toEqual([]);
    down = false;
    expect((await engine.receive(webhook("firing"), cfg, T0 + 1_000)).map((c) => c.type)).toEqual(["firing"]);
    expect(engine.current().map((a) => [a.name, a.state])).toEqual([["DiskFull", "firing"]]);

    down = true;
    await expect(engine.receive(webhook("resolved"), cfg, T0 + 2_000)).rejects.toBeInstanceOf(StoreUnavailable);
    expect(engine.current().map((a) => [a.name, a.state])).toEqual([["DiskFull", "firing"]]);
    expect(engine.recentResolved()).toEqual([]);
    down = false;
    expect((await engine.receive(webhook("resolved"), cfg, T0 + 3_000)).map((c) => c.type)).toEqual(["resolved"]);
    expect((await listAlertEvents(store)).map((e) => [e.type, e.at])).toEqual([
      ["resolved", T0 + 3_000],
      ["firing", T0 + 1_000],
    ]);
  });

  it("still returns evaluated changes, and writes their events in order once the store answers", async () => {
    const engine = new AlertEngine({ store: flaky, rules: [], staleAfterMs: 2_000 });
    const burn = (active: boolean): Observation => ({
      key: observationKey("burn-rate", "CheckoutBudgetBurn", "checkout", 1),
      name: "CheckoutBudgetBurn",
      service: "checkout",
      tier: 1,
      kind: "burn-rate",
      active,
      value: active ? 20 : 1,
      threshold: 14.4,
      forMs: 0,
      labels: {},
      annotations: { summary: "budget burning", description: "" },
    });
    down = true;
    const fired = await engine.evaluate(T0, {}, [burn(true)]);
    expect(fired.map((c) => c.type)).toContain("firing");
    const resolved = await engine.evaluate(T0 + 1_000, {}, [burn(false)]);
    expect(resolved.map((c) => c.type)).toEqual(["resolved"]);
    expect(await listAlertEvents(store)).toEqual([]);

    down = false;
    expect(await engine.evaluate(T0 + 2_000, {}, [burn(false)])).toEqual([]);
    const stored = (await listAlertEvents(store)).reverse();
    expect(stored.map((e) => [e.type, e.at])).toEqual([...fired.map((c) => [c.type, T0]), ["resolved", T0 + 1_000]]);
  });
});
