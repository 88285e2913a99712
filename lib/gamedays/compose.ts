import type { Logger } from "../log";
import type { Clock } from "../time";
import type { Store } from "../store/store";
import type { Hub } from "../live/hub";
import type { ServiceCatalog } from "../signals/catalog";
import type { SignalHistory } from "../signals/history";
import type { SignalName } from "../signals/types";
import type { SloTracker } from "../slo/tracker";
import type { AlertChannel } from "../alerts/channel";
import type { DrillService } from "../drills/service";
import type { IncidentCtx } from "../incidents/context";
import { GameDayChannel } from "./channel";
import { PlanLibrary } from "./library";
import type { Observation } from "./probes";
import { GameDays } from "./service";

/** Game days wired to the live signals, SLOs, alerts, drills and incidents (called by lib/server/root.ts). */
export function composeGameDays(o: {
  dir: string | undefined;
  store: Store;
  clock: Clock;
  logger: Logger;
  tickMs: number;
  hub: Hub;
  catalog: ServiceCatalog;
  simulated: readonly string[];
  slos: SloTracker;
  sloIds: readonly string[];
  history: SignalHistory;
  alertChannel: AlertChannel;
  drills: DrillService;
  incidents: IncidentCtx;
}) {
  const plans = new PlanLibrary({
    dir: o.dir ?? "/nonexistent/war-room-gamedays",
    names: { services: new Set(o.catalog.ids()), simulated: new Set(o.simulated), slos: new Set(o.sloIds) },
    logger: o.logger,
  });
  const channel = new GameDayChannel({ hub: o.hub, store: o.store });
  const observe = (t: number): Observation => {
    let statuses: ReturnType<SloTracker["status"]> | null = null;
    const sloOf = (id: string) => (statuses ??= o.slos.status(t)).find((s) => s.id === id);
    return {
      t,
      tickMs: o.tickMs,
      signal: (service, name) => {
        const p = o.history.latest(service);
        const v = p ? p[name as SignalName] : undefined;
        return typeof v === "number" && Number.isFinite(v) ? v : null;
      },
      slo: (id, signal) => {
        const s = sloOf(id);
        if (!s) return null;
        if (signal === "budgetRemaining") return s.budgetRemaining === null ? null : s.budgetRemaining * 100;
        const w = signal.slice("burn".length) as keyof typeof s.burnRates;
        return s.burnRates[w] ?? null;
      },
      firing: o.alertChannel
        .snapshot()
        .alerts.filter((a) => a.state === "firing")
        .map((a) => ({ name: a.name, service: a.service, firedAt: a.firedAt })),
    };
  };
  const service = new GameDays({
    store: o.store,
    clock: o.clock,
    logger: o.logger,
    tickMs: o.tickMs,
    plans,
    drills: o.drills,
    incidents: o.incidents,
    observe,
    budgets: (services) => Object.fromEntries(o.slos.status(o.clock.now()).filter((s) => services.includes(s.service)).map((s) => [s.id, s.budgetConsumed])),
    changed: (run) => channel.changed(run),
  });
  return { plans, service, channel };
}
