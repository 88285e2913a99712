import type { Config } from "../config/schema";
import { ConfigError, effectiveThresholds } from "../config/load";
import { createNotifications, notificationsPurger } from "../notifications";
import type { StatusUpdateCtx } from "../comms/status-updates";
import { StatusPage } from "../comms/status-page";
import type { SubscriptionCtx } from "../comms/subscriptions";
import { serviceStates } from "../signals/state";
import type { Clock } from "../time";
import type { Logger } from "../log";
import { Scheduler, type Job } from "../jobs";
import type { Store } from "../store/store";
import { retentionJob } from "../store/retention";
import { Hub } from "../live/hub";
import { ServiceCatalog } from "../signals/catalog";
import { BoardChannels } from "../signals/channels";
import { SignalHistory } from "../signals/history";
import { Freshness } from "../signals/freshness";
import { MinuteRollup, type SignalMinute } from "../signals/rollup";
import { signalMinutesPurger } from "../signals/repo";
import { DbMinuteStore, signalHistoryPurger } from "../signals/minute-store";
import { DrillService } from "../drills/service";
import { SimScrapeTarget } from "../simulator/scrape";
import { createSources, sloBackfillSource } from "../sources/compose";
import { prometheusSettings, servicesBySource, simulatorSeed, sourceOf } from "../sources/config";
import { BACKFILL_SECONDS_MS, DERIVED_TICKS_MS, backfillOlderMinutes, backfillRecent, backfillSloCounts, planBackfill } from "../sources/backfill";
import { SimulatorSource } from "../sources/simulator-source";
import { SloTracker } from "../slo/tracker";
import { SloChannel } from "../slo/channel";
import { AlertEngine } from "../alerts/engine";
import { AlertChannel } from "../alerts/channel";
import { AlertActions } from "../alerts/actions";
import type { AlertActionsCtx } from "../incidents/alert-actions";
import type { IncidentCtx } from "../incidents/context";
import { IncidentLive } from "../incidents/live";
import { PRESENCE_BEAT_MS } from "../incidents/presence";
import type { AlertmanagerCtx } from "../incidents/alertmanager";
import { RunbookLibrary } from "../runbooks/library";
import type { PostmortemCtx } from "../postmortems/service";
import { TemplateLibrary } from "../postmortems/template-library";
import { secondSeries } from "../postmortems/seconds-source";
import { Recorder } from "../ingest/recorder";
import { PushOwnership } from "../ingest/ownership";
import { TickJob } from "../ingest/tick";
import type { IngestCtx } from "../ingest/push";
import { ingestSamplesPurger } from "../ingest/repo";
import { idempotencyPurger } from "../store/idempotency";
import { PushApplier } from "../ingest/apply";
import { RemoteWriteReceiver } from "../ingest/remote-write/receive";
import { remoteWriteRules } from "../ingest/remote-write/config";
import { IngestStats } from "../ingest/stats";
import { INGEST_BUS_KIND, PushRelay } from "../ingest/relay";
import type { AuthCtx } from "../auth/context";
import { sessionPurger } from "../auth/sessions";
import { auditPurger } from "../auth/audit";
import { ClusterNode } from "../cluster/node";
import type { BusMessage } from "../cluster/redis-broker";
import type { ReplicatedTick } from "../ingest/tick";
import { AlertChangeSchema, type Alert } from "../alerts/model";
import { draftFromAlert } from "../incidents/from-alert";
import type { SourceStatus } from "../signals/contract";
import { composeGameDays } from "../gamedays/compose";

/** An incident channel nobody watched for this long is dropped from memory (reloaded on demand). */
const INCIDENT_CHANNEL_IDLE_MS = 10 * 60_000;
/** A replicated tick more than this far from the local clock is refused (clocks are within seconds of each other). */
const TICK_PLAUSIBLE_MS = 3600_000;
/** Alert state is restored from this far back at start. */
const ALERT_RESTORE_MS = 7 * 24 * 3600_000;
/** Bus message: an ack or silence was written through this instance; the others read them again. */
const ALERT_ACTIONS_BUS_KIND = "alert-actions";

export type ComposeOptions = {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  serverId: string;
  version: string;
  heartbeatMs?: number;
  /** Skip the seven-day backfill (tests that do not need it start faster). */
  backfill?: boolean;
  /** Tick on the clock (default). Tests turn it off and run `jobs.tick` themselves. */
  autoTick?: boolean;
  /** Absolute runbook folder (lib/config/load.ts runbooksDirOf). */
  runbooksDir: string;
  /** Absolute team postmortem template folder (postmortemTemplatesDirOf). */
  postmortemTemplatesDir?: string;
  /** Absolute game-day plan folder (gamedaysDirOf); none: no plans. */
  gamedaysDir?: string;
  /** Told how long each tick's source sample took and whether it worked (/metrics). */
  onSourceSample?: (ms: number, ok: boolean) => void;
  /** Told how long each whole tick took: sample, record, evaluate, publish (/metrics, bench/scale). */
  onTick?: (ms: number) => void;
  /** Several instances (docs/architecture.md): REDIS_URL and the key prefix; the lease timings for tests. */
  cluster?: { redisUrl?: string; prefix: string; leaseTtlMs?: number; leaseRenewMs?: number; presenceBeatMs?: number };
  /** A bus message this root does not handle itself (e.g. a sign-out for the socket layer). */
  onBusMessage?: (m: BusMessage) => void;
  /** Where notification channel secrets are read (default process.env; lib/notifications/config.ts). */
  secretsEnv?: Record<string, string | undefined>;
};

export type WarRoom = ReturnType<typeof composeWarRoom>;

/**
 * The composition root: config → store → source → domains → live hub, and the jobs that run on
 * the clock. It holds no logic of its own; every piece lives in its domain (docs/architecture.md).
 */
export function composeWarRoom(opts: ComposeOptions) {
  const { config, store, clock, logger } = opts;
  const tickMs = config.tickSeconds * 1000;
  const startedAt = clock.now();
  const heartbeatMs = opts.heartbeatMs ?? 15_000;

  const fedBy = new Map(config.services.map((s) => [s.id, sourceOf(config, s)] as const));
  const catalog = new ServiceCatalog(
    config.services.map((s) => {
      const source = fedBy.get(s.id);
      return { id: s.id, name: s.name ?? s.id, team: s.team, description: s.description, dependsOn: s.dependsOn, thresholds: effectiveThresholds(config, s.id), ...(source !== "none" ? { source } : {}) };
    }),
  );
  const bySource = servicesBySource(config);
  // Several instances: the broker sequences every channel and the lease picks the one instance
  // that samples, evaluates and writes (lib/cluster). Its callbacks reach the pieces below.
  let leaderSource: SourceStatus | null = null;
  const node = new ClusterNode({
    store,
    logger,
    instanceId: opts.serverId,
    redisUrl: opts.cluster?.redisUrl,
    prefix: opts.cluster?.prefix ?? "warroom",
    leaseTtlMs: opts.cluster?.leaseTtlMs,
    leaseRenewMs: opts.cluster?.leaseRenewMs,
    onFrame: (f) => hub.deliverRemote(f),
    onMessage: (m) => onBus(m),
    // Back after an outage: this instance reloads, and tells the others to (they missed what it published alone).
    onBrokerState: (up) => {
      if (hub.brokerState(up)) void node.send("resync", {}).catch(() => undefined);
    },
  });
  const hub = new Hub({
    serverId: opts.serverId,
    version: opts.version,
    epoch: `${startedAt.toString(36)}-${opts.serverId}`,
    tickMs,
    heartbeatMs,
    now: () => clock.now(),
    broker: node.broker ?? undefined,
    onBrokerError: (err) => logger.debug({ err: String(err) }, "publish fell back to this instance"),
  });
  /** The tick's role here: the leader samples; a follower takes the leader's ticks, or samples for itself while the broker is away. */
  const tickRole = () => (node.samples() ? "leader" : node.brokerUp() ? "follower" : "standalone");
  const leads = () => node.isLeader();
  const rollup = new MinuteRollup();
  const drills = new DrillService({ store, clock, serviceIds: catalog.ids(), simulated: bySource.simulator, onChange: () => board.publishDrills() });
  const source = createSources({ config, bySource, drills: (from) => drills.effectiveSince(from), logger });
  // Simulated history is a pure function of time and the stored drills: derived on demand, not
  // kept per service (PITFALLS: simulator backfill). Without backfill (tests) it is kept as recorded.
  const simulator = source.get("simulator");
  const deriver = opts.backfill !== false && simulator instanceof SimulatorSource ? simulator.deriver : undefined;
  const history = new SignalHistory(catalog.ids(), {
    secondsCapacity: Math.ceil(BACKFILL_SECONDS_MS / tickMs),
    // Kept services' week of minutes is in the store, not in memory (lib/signals/minute-store.ts).
    minutes: new DbMinuteStore(store),
    derive: deriver ? { deriver, tickMs, ticks: Math.ceil(DERIVED_TICKS_MS / tickMs) } : undefined,
  });
  // A follower shows the leader's source state (its own source is idle).
  const sourceStatus = (): SourceStatus => (tickRole() === "follower" && leaderSource ? leaderSource : source.status());
  // How old a service's newest point may be before it is stale: two of its update intervals (API, status, threshold alerts).
  const freshness = new Freshness(tickMs);
  const board = new BoardChannels({ hub, clock, title: config.title, tickMs, catalog, history, drills, sourceStatus, freshness, publishUnwatched: node.mode === "cluster" });
  const slos = new SloTracker({ store, slos: config.slos });
  const sloChannel = new SloChannel({ hub, clock, slos });
  const alerts = new AlertEngine({ store, rules: config.alerts, staleAfterMs: (id) => freshness.boundMs(id), sourceFailing: (id) => (source.sourceOf(id)?.status().state ?? "ok") !== "ok" });
  const alertDecisions = new AlertActions({ store, clock });
  const alertChannel = new AlertChannel({ hub, engine: alerts, actions: alertDecisions });
  // Several instances: presence is shared through the broker, with a beat on the bus (lib/incidents/presence.ts).
  const presenceBeatMs = opts.cluster?.presenceBeatMs ?? PRESENCE_BEAT_MS;
  const incidentLive = new IncidentLive({
    hub,
    store,
    presence: node.mode === "cluster" ? { instanceId: node.instanceId, beatMs: presenceBeatMs, send: (beat) => node.send("presence", beat) } : undefined,
  });
  const incidents: IncidentCtx = {
    store,
    clock,
    hasService: (id) => catalog.has(id),
    latest: (id) => history.latest(id),
    events: incidentLive,
    firingAlerts: (services) => alerts.current().filter((a) => a.state === "firing" && services.includes(a.service)),
    alert: (id) => alerts.current().find((a) => a.id === id) ?? alerts.recentResolved().find((a) => a.id === id) ?? null,
    drillsAffecting: (id) => drills.list(100).filter((d) => d.target === id || (catalog.get(id)?.dependsOn ?? []).includes(d.target)),
  };
  const alertActions: AlertActionsCtx = {
    incidents,
    alerts,
    actions: alertDecisions,
    channel: alertChannel,
    changed: () => void node.send(ALERT_ACTIONS_BUS_KIND, {}).catch((err: unknown) => logger.warn({ err: String(err) }, "could not tell the other instances of an ack or silence")),
  };
  const runbooks = new RunbookLibrary({ dir: opts.runbooksDir, clock, logger });
  const templates = new TemplateLibrary({ dir: opts.postmortemTemplatesDir, logger });
  const postmortems: PostmortemCtx = {
    incidents,
    slos: config.slos,
    serviceNames: catalog.names(),
    templates: () => templates.all(),
    invalidTemplates: () => templates.invalid(),
    openMinutes: (services) => services.map((s) => rollup.peek(s)).filter((r): r is SignalMinute => r !== null),
    openSliRows: (ids) => slos.openRows(ids),
    seconds: (services, from, to) => secondSeries({ history, services, from, to, now: clock.now(), intervalMs: (id) => freshness.boundMs(id) / 2 }),
    changed: (p) => incidentLive.postmortem(p),
  };
  const gamedays = composeGameDays({ dir: opts.gamedaysDir, store, clock, logger, tickMs, hub, catalog, simulated: bySource.simulator, slos, sloIds: config.slos.map((s) => s.id), history, alertChannel, drills, incidents });
  const recorder = new Recorder({ store, logger, tickMs, catalog, history, rollup, board, slos, sloChannel, alerts, alertChannel, incidents, freshness });
  const ownership = new PushOwnership([...fedBy].filter((e): e is [string, "simulator" | "prometheus" | "push"] => e[1] !== "none"));
  // Several instances: a pushed batch is stored by the instance that received it, then applied on
  // every instance in bus order, the leader recording it fully (lib/ingest/relay.ts).
  const pushApplier = new PushApplier({ history, recorder, board, onError: (err) => logger.warn({ err: String(err) }, "could not record pushed samples") });
  const pushRelay =
    node.mode === "cluster"
      ? new PushRelay({
          applier: pushApplier,
          self: node.instanceId,
          hasService: (id) => catalog.has(id),
          shared: () => node.brokerUp(),
          send: (batch) => (node.brokerUp() ? node.send(INGEST_BUS_KIND, batch) : Promise.reject(new Error("the broker is down"))),
          role: () => tickRole(),
          logger,
        })
      : null;
  const ingest: IngestCtx = { store, clock, catalog, history, recorder, board, ownership, stats: new IngestStats(), ...(pushRelay ? { relay: pushRelay } : {}) };
  const remoteWrite = new RemoteWriteReceiver({
    ctx: ingest,
    rules: remoteWriteRules(config.integrations.remoteWrite, prometheusSettings(config) ?? undefined),
    accepts: (id) => (!catalog.has(id) ? "unknown_service" : ownership.acceptsPush(id).ok ? null : "not_push_fed"),
    logger,
  });
  const alertmanager: AlertmanagerCtx = { incidents, alerts, alertChannel, config: config.integrations.alertmanager, serviceName: (id) => catalog.get(id)?.name, logger };
  const auth: AuthCtx = { store, clock, config: config.auth };
  const notifications = createNotifications({ store, clock, logger, config: config.notifications, holder: opts.serverId, secretsEnv: opts.secretsEnv ?? process.env, silenced: (a) => alertDecisions.isSilenced(a as Alert),
    drill: (a) => {
      try {
        return draftFromAlert(incidents, a as Alert, clock.now()).drill;
      } catch {
        return false;
      }
    },
  });
  if (notifications.problems.length > 0) throw new ConfigError("config", notifications.problems);
  const subscriptions: SubscriptionCtx = {
    store,
    clock,
    outbox: notifications.outbox,
    emailChannel: config.statusPage.subscriptions?.emailChannel,
    pageUrl: `${config.notifications.linkBase?.replace(/\/$/, "") ?? ""}/status`,
    pageName: config.statusPage.title ?? config.title,
  };
  const comms: StatusUpdateCtx = { store, clock, outbox: notifications.outbox, channels: notifications.channels, config: config.statusPage, linkBase: config.notifications.linkBase, subscriptions };
  // The public status page judges each service as the board does: its newest point, if fresh, against its thresholds.
  const statusPage = new StatusPage({
    store,
    clock,
    config: config.statusPage,
    services: catalog.services.map((s) => ({ id: s.id, name: s.name })),
    health: (id) => {
      const p = history.latest(id);
      const svc = catalog.get(id);
      if (!p || !svc || freshness.isStale(id, p.t, clock.now())) return null;
      return serviceStates(p, svc.thresholds).state;
    },
  });
  // Only simulator-fed services are simulated, scraped and drilled (null: /sim/metrics answers 404).
  const simulated = new Set(bySource.simulator);
  const simScrape =
    simulated.size > 0
      ? new SimScrapeTarget({ seed: simulatorSeed(config), services: config.services.filter((s) => simulated.has(s.id)), tickMs, drills: (from) => drills.effectiveSince(from) })
      : null;

  let ledAtShutdown: boolean | undefined;
  let flushed = false;
  let stopping = false;
  let olderState: "none" | "running" | "done" | "failed" = "none";
  let olderDone: Promise<void> = Promise.resolve();
  /** Writes what is only in memory: the open SLO minute and minute rollups. */
  const flushOpen = async () => {
    try {
      await slos.flush();
    } catch (err) {
      logger.warn({ err }, "could not flush SLO counts at shutdown");
    }
    try {
      await recorder.flush();
    } catch (err) {
      logger.warn({ err }, "could not flush minute rollups at shutdown");
    }
  };
  const replicate = (tick: ReplicatedTick) => node.send("tick", { term: node.term, leader: node.instanceId, t: tick.t, values: tick.values, source: source.status() });
  const jobs = {
    tick: new TickJob({ tickMs, source, recorder, board, logger, onSample: opts.onSourceSample, role: tickRole, replicate: node.mode === "cluster" ? replicate : undefined }),
    heartbeat: {
      name: "heartbeat",
      everyMs: heartbeatMs,
      run: () => {
        hub.heartbeat();
        incidentLive.evictIdle(INCIDENT_CHANNEL_IDLE_MS);
        if (node.mode !== "cluster") board.evictIdle(INCIDENT_CHANNEL_IDLE_MS);
      },
    } satisfies Job,
    presence: {
      name: "presence",
      everyMs: presenceBeatMs,
      run: () => incidentLive.presenceBeat().catch((err: unknown) => logger.debug({ err: String(err) }, "could not send the presence beat")),
    } satisfies Job,
    gamedays: onlyOnLeader(gamedays.service.job(tickMs), leads),
    notifications: onlyOnLeader(notifications.job, leads),
    statusPage: { name: "status-page", everyMs: 5_000, run: () => statusPage.observe() } satisfies Job,
    retention: onlyOnLeader(retentionJob({ purgers: [idempotencyPurger(store.db), notificationsPurger(store), drills.purger, slos.purger, alerts.purger, alertDecisions.purger, signalMinutesPurger(store), signalHistoryPurger(store), ingestSamplesPurger(store), sessionPurger(auth), auditPurger(auth)], clock, logger }), leads),
  };

  // What other instances did, applied here: alert changes (mirrored), drills (read again), the
  // leader's source state, the leader's ticks, and pushed samples.
  hub.onRemote("alerts", (f, parsed) => {
    const p = parsed();
    const change = p && f.event === "change" ? AlertChangeSchema.safeParse(p.data) : null;
    if (change?.success) {
      alerts.applyRemote(change.data, clock.now());
      // An ack or silence written through another instance: read them again (lib/alerts/actions.ts).
      if (alertDecisions.behind(change.data.alert)) void alertDecisions.load().catch(() => undefined);
    }
    else logger.warn({ channel: f.channel, event: f.event }, "ignored an alert event that does not parse");
  });
  hub.onRemote("board", (f, parsed) => {
    if (f.event === "drills") void drills.load().then(() => board.syncDrills(), (err: unknown) => logger.warn({ err: String(err) }, "could not reload drills"));
    if (f.event === "source" && !leads()) leaderSource = (parsed()?.data as SourceStatus | undefined) ?? leaderSource;
  });
  hub.onResync(() => {
    void drills.load().catch(() => undefined);
    void alerts
      .load(clock.now() - ALERT_RESTORE_MS, clock.now())
      .then(() => alertDecisions.load())
      .then(() => hub.refresh("alerts"))
      .catch(() => undefined);
  });
  const onBus = (m: BusMessage) => {
    // Pushed samples are applied by every instance, the one that sent them included.
    if (m.kind === INGEST_BUS_KIND) return pushRelay?.receive(m.origin, m.data);
    if (m.origin === node.instanceId) return;
    if (m.kind === "resync") return hub.resync();
    if (m.kind === ALERT_ACTIONS_BUS_KIND) return void alertDecisions.load().catch((err: unknown) => logger.warn({ err: String(err) }, "could not read acks and silences again"));
    if (m.kind === "presence") {
      if (!incidentLive.presenceMessage(m.origin, m.data)) logger.warn({ origin: m.origin }, "ignored a presence beat that does not parse");
      return;
    }
    if (m.kind !== "tick") return opts.onBusMessage?.(m);
    const msg = m.data as { term?: unknown; leader?: unknown; t?: unknown; values?: unknown; source?: unknown };
    // A tick far from this instance's clock (a forged or broken message) would stop every later tick here.
    const plausible = typeof msg.t === "number" && Number.isFinite(msg.t) && Math.abs(msg.t - clock.now()) <= TICK_PLAUSIBLE_MS;
    const valuesOk =
      typeof msg.values === "object" && msg.values !== null && !Array.isArray(msg.values) && Object.entries(msg.values).every(([id, v]) => catalog.has(id) && typeof v === "object" && v !== null);
    if (!plausible || !Number.isSafeInteger(msg.term) || typeof msg.leader !== "string" || !valuesOk) {
      return logger.warn({ origin: m.origin }, "ignored a tick that does not parse");
    }
    // A tick from an older term (a paused leader that was replaced) is refused; a newer one makes this instance follow.
    if (!node.observeTerm(msg.term as number, msg.leader)) return logger.warn({ origin: m.origin, term: msg.term }, "ignored a tick from a replaced leader");
    leaderSource = (msg.source as SourceStatus) ?? leaderSource;
    const tick = { t: msg.t as number, values: msg.values as ReplicatedTick["values"] };
    // Synchronously up to the history and board state, so the frames that follow on the bus find them there.
    try {
      jobs.tick.applyReplicated(tick).catch((err: unknown) => logger.warn({ err: String(err) }, "could not apply the leader's tick"));
    } catch (err) {
      logger.warn({ err: String(err) }, "could not apply the leader's tick");
    }
  };
  const scheduler = new Scheduler({ clock, logger });

  const stopTimers = () => {
    runbooks.close();
    gamedays.plans.close();
    source.close?.();
    scheduler.stop();
  };

  return {
    config,
    store,
    clock,
    logger,
    tickMs,
    freshness,
    startedAt,
    hub,
    catalog,
    history,
    board,
    drills,
    source,
    slos,
    sloChannel,
    alerts,
    alertChannel,
    alertActions,
    incidents,
    runbooks,
    templates,
    postmortems,
    gamedays,
    ingest,
    remoteWrite,
    alertmanager,
    simScrape,
    auth,
    notifications,
    comms,
    subscriptions,
    statusPage,
    jobs,
    scheduler,
    cluster: node,

    /** Loads what the store holds, backfills history, and starts the jobs. */
    async start(): Promise<void> {
      await node.start();
      await drills.load();
      await incidentLive.load();
      await runbooks.load();
      runbooks.watch();
      await templates.load();
      await gamedays.plans.load();
      gamedays.plans.watch();
      const now = clock.now();
      await alerts.load(now - ALERT_RESTORE_MS, now);
      await alertDecisions.load(now);
      const later: { older?: () => Promise<void> } = {};
      if (opts.backfill !== false) {
        // A source that is down at start must not stop the war room: it starts with what the store has.
        const target = { source, history, rollup, store, tickMs, logger, services: catalog.services.length, deriver, pulled: (id: string) => source.sourceOf(id) !== undefined };
        // The recent history and the SLO counts are asked for at once: neither reads what the other
        // writes, and a remote source answers both sooner side by side (BENCHMARKS.md "Estate size").
        // The week of minutes runs later whatever became of the recent part (its failure may be the
        // SLO queries' timeouts opening the backfill client's breaker for a while).
        const history$ = (async () => {
          const plan = await planBackfill(target, clock.now());
          later.older = () => backfillOlderMinutes(target, plan, () => stopping);
          jobs.tick.resumeAfter(await backfillRecent(target, plan));
        })().catch((err: unknown) => logger.warn({ err: String(err) }, "history backfill failed; starting without it"));
        const slos$ = backfillSloCounts({ source: sloBackfillSource(source, config.slos), slos, logger, deriver }, clock.now());
        const [, sloOutcome] = await Promise.allSettled([history$, slos$]);
        if (sloOutcome.status === "rejected") throw sloOutcome.reason;
      } else {
        await slos.load(clock.now());
      }
      board.syncDrills();
      scheduler.start([...(opts.autoTick !== false ? [timed(jobs.tick, opts.onTick), jobs.gamedays] : []), jobs.heartbeat, ...(node.mode === "cluster" ? [jobs.presence] : []), jobs.retention, jobs.notifications, jobs.statusPage]);
      // Seven days of minutes of the kept (Prometheus-fed) services come once the war room is live:
      // at 1,000 services they are hundreds of range queries (lib/sources/backfill.ts).
      const run = later.older;
      if (run) {
        olderState = "running";
        olderDone = run().then(
          () => void (olderState = "done"),
          (err: unknown) => {
            olderState = "failed";
            if (!stopping) logger.warn({ err: String(err) }, "minute history backfill failed; the long views start from what the store and the live ticks give");
          },
        );
      }
    },

    /** The seven-day minute backfill that runs after start: its state (for /health) and when it ends. */
    minuteBackfill(): { state: "none" | "running" | "done" | "failed"; done: Promise<void> } {
      return { state: olderState, done: olderDone };
    },

    /** Stops the jobs and writes what is only in memory (the open SLO minute and minute rollups). */
    /**
     * Shutdown begins: the lease goes to another instance now, not after the drain (up to 10 s
     * during which this one, its jobs stopped, would tick for nobody). Idempotent.
     */
    async handOver(): Promise<void> {
      ledAtShutdown ??= node.isLeader();
      // What only this leader holds is written before the lease goes: afterwards the next leader
      // writes the same minutes, and a late flush from here would overwrite them with less.
      if (ledAtShutdown && !flushed) {
        flushed = true;
        await flushOpen();
      }
      await node.releaseLease().catch((err: unknown) => logger.warn({ err: String(err) }, "could not hand the lease over"));
    },

    async stop(): Promise<void> {
      stopping = true;
      stopTimers();
      // Hand over at once: another instance leads within a renewal, not a lease lifetime.
      const led = ledAtShutdown ?? node.isLeader();
      // The goodbye goes out on the broker's connection before it closes; it does not hold up the hand-over.
      const bye = incidentLive.presenceBye().catch((err: unknown) => logger.debug({ err: String(err) }, "could not say goodbye to the other instances"));
      await node.stop().catch((err: unknown) => logger.warn({ err: String(err) }, "could not leave the cluster cleanly"));
      await bye;
      if (!led || flushed) return;
      flushed = true;
      await flushOpen();
    },

    stopTimers,
  };
}

/** A job that must happen once among several instances runs on the leader only. */
function onlyOnLeader(job: Job, leads: () => boolean): Job {
  return { name: job.name, everyMs: job.everyMs, aligned: job.aligned, run: (t) => (leads() ? job.run(t) : undefined) };
}

/** The job with its run time reported (the tick histogram of /metrics). */
function timed(job: Job, onDone: ((ms: number) => void) | undefined): Job {
  if (!onDone) return job;
  return Object.assign(Object.create(job) as Job, {
    run: async (t: number) => {
      const began = performance.now();
      try {
        await job.run(t);
      } finally {
        onDone(performance.now() - began);
      }
    },
  });
}
