/**
 * Issue #13, "Failover test in CI": three War Room processes sharing PostgreSQL and Redis behind
 * Debian's HAProxy (test/support/cluster.ts). 200 viewers watch the board and 20 more an incident
 * (and the board) through the balancer, a scribe writes a timeline entry every 200 ms through the
 * balancer, and the leader is killed with SIGKILL, then another instance. Measured and asserted:
 * every viewer receives board ticks again within 5 s of each kill; no incident viewer saw a
 * sequence number repeated or skipped, an entry delivered twice, or an acknowledged entry missing;
 * every acknowledged entry is in PostgreSQL; a new leader took over within 10 s. A separate test:
 * an edit made through instance A reaches a viewer connected to instance B within 1 s.
 *
 * Needs DATABASE_URL, REDIS_URL (the CI script exports both when the services answer) and
 * /usr/sbin/haproxy; skipped otherwise. Loopback only; traffic is bounded.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import pg from "pg";
import { Cluster, clusterServices, hasHaproxy, loopbackAddress, type Instance } from "./support/cluster";
import { LiveViewer } from "./support/live-viewer";
import { waitFor } from "./support/prometheus";

const SERVICES = clusterServices();
const HAPROXY = hasHaproxy();
if (!SERVICES) process.stderr.write("cluster-failover: skipped, DATABASE_URL and REDIS_URL are both needed\n");
else if (!HAPROXY) process.stderr.write("cluster-failover: skipped, /usr/sbin/haproxy is not installed (apt-get install haproxy)\n");

const BOARD_VIEWERS = 200;
const INCIDENT_VIEWERS = 20;
/** Viewers per loopback source address (each instance allows 50 open sockets per address). */
const VIEWERS_PER_ADDRESS = 5;
const SCRIBE_EVERY_MS = 200;
const TICKS_AGAIN_WITHIN_MS = 5_000;
const NEW_LEADER_WITHIN_MS = 10_000;
const EDIT_WITHIN_MS = 1_000;
/** How long to keep watching past a limit, so the report says by how much it was missed. */
const OBSERVE_MS = 20_000;

type Json = Record<string, unknown>;

/** A write as the scribe makes it: JSON, named by X-War-Room-User (auth.mode local behind a proxy on this machine). */
async function api(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-war-room-user": "scribe" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  let parsed: Json = {};
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

async function declare(base: string, title: string): Promise<{ id: string; version: number }> {
  const r = await api(base, "POST", "/api/v1/incidents", { title, severity: "SEV3", services: ["checkout"] });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.incident as { id: string; version: number };
}

/** Writes one timeline entry every `everyMs` through `base`; remembers the ids of those answered 201. */
class Scribe {
  readonly acked: string[] = [];
  readonly failures = new Map<string, number>();
  attempts = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly base: string,
    private readonly incidentId: string,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.inFlight.size >= 10) return this.fail("skipped: 10 writes in flight");
      const n = ++this.attempts;
      const p = api(this.base, "POST", `/api/v1/incidents/${this.incidentId}/timeline`, { kind: "note", body: `scribe note ${n}` })
        .then((r) => {
          if (r.status === 201) this.acked.push((r.body.entry as { id: string }).id);
          else this.fail(`HTTP ${r.status}`);
        })
        .catch((err: Error) => this.fail(err.name === "TimeoutError" ? "timeout" : err.message))
        .finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }, this.everyMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
  }

  private fail(why: string): void {
    this.failures.set(why, (this.failures.get(why) ?? 0) + 1);
  }
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : NaN;
};

describe.skipIf(!SERVICES || !HAPROXY)("three War Room instances behind HAProxy (real PostgreSQL, Redis and HAProxy)", () => {
  let cluster: Cluster;
  const viewers: LiveViewer[] = [];
  const report: string[] = [];

  beforeAll(async () => {
    cluster = await Cluster.start({ instances: 3 });
  }, 240_000);

  afterAll(async () => {
    for (const v of viewers) v.stop();
    if (report.length) process.stderr.write(`cluster-failover:\n  ${report.join("\n  ")}\n`);
    await cluster?.close();
  }, 60_000);

  const printLogsOnFailure = () =>
    onTestFailed(() => {
      process.stderr.write(`cluster-failover: --- instance and HAProxy logs (last lines) ---\n${cluster.logs()}\n--- end of logs ---\n`);
    });

  it("an edit made through instance A reaches a viewer connected to instance B within 1 s", async () => {
    printLogsOnFailure();
    const [a, b, c] = cluster.instances;
    let incident = await declare(a.url, "Cross-instance edit");
    const channel = `incident:${incident.id}`;
    // One viewer directly on each instance.
    const direct = cluster.instances.map((inst) => new LiveViewer({ url: inst.wsUrl, channels: [channel] }));
    viewers.push(...direct);
    await waitFor("a snapshot of the incident on every instance", () => direct.every((v) => v.ready), 10_000, 20);

    const latencies: { via: string; at: string; ms: number | null }[] = [];
    const writers: Instance[] = [a, b, c, a, b, c];
    for (const [n, writer] of writers.entries()) {
      const title = `Cross-instance edit ${n + 1}`;
      const others = direct.filter((_, i) => cluster.instances[i] !== writer);
      const arrivals = others.map((v) => v.next((f) => f.type === "event" && f.channel === channel && f.event === "incident" && (f.data as { incident: { title: string } }).incident.title === title, 3_000));
      const sentAt = Date.now();
      const r = await api(writer.url, "PATCH", `/api/v1/incidents/${incident.id}`, { version: incident.version, title });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      incident = r.body.incident as typeof incident;
      const got = await Promise.all(arrivals);
      got.forEach((g, i) => latencies.push({ via: writer.id, at: cluster.instances[direct.indexOf(others[i])].id, ms: g ? g.at - sentAt : null }));
    }
    report.push(`edit through one instance → viewer on another: ${latencies.map((l) => `${l.via}→${l.at} ${l.ms === null ? "never (3 s)" : `${l.ms} ms`}`).join(", ")}`);
    const late = latencies.filter((l) => l.ms === null || l.ms > EDIT_WITHIN_MS);
    expect(late, `edits that reached a viewer on another instance later than ${EDIT_WITHIN_MS} ms (or not within 3 s)`).toEqual([]);
    for (const v of direct) v.stop();
  }, 60_000);

  it("kill -9 of the leader, then of another instance: ticks again within 5 s, no incident event lost or repeated, every acknowledged entry stored, a new leader within 10 s", async () => {
    printLogsOnFailure();
    const incident = await declare(cluster.balancerUrl, "Failover drill");
    const channel = `incident:${incident.id}`;
    const through = () => cluster.balancerWsUrl;
    const board: LiveViewer[] = [];
    const watchers: LiveViewer[] = [];
    for (let i = 0; i < BOARD_VIEWERS + INCIDENT_VIEWERS; i++) {
      const incidentViewer = i >= BOARD_VIEWERS;
      const v = new LiveViewer({ url: through, channels: incidentViewer ? ["board", channel] : ["board"], localAddress: loopbackAddress(Math.floor(i / VIEWERS_PER_ADDRESS)) });
      (incidentViewer ? watchers : board).push(v);
      viewers.push(v);
    }
    const all = [...board, ...watchers];
    const notReady = () => all.filter((v) => !v.ready);
    await waitFor(`all ${all.length} viewers subscribed through HAProxy`, () => notReady().length === 0, 30_000, 50).catch((err: Error) => {
      const errs = new Map<string, number>();
      for (const v of notReady()) for (const [e, n] of v.connectErrors) errs.set(e, (errs.get(e) ?? 0) + n);
      throw new Error(`${err.message}: ${notReady().length} not subscribed; connect errors: ${[...errs].map(([e, n]) => `${n}× ${e}`).join("; ")}`);
    });

    const scribe = new Scribe(cluster.balancerUrl, incident.id, SCRIBE_EVERY_MS);
    scribe.start();
    // Warm-up: every viewer got at least two board ticks.
    await waitFor("every viewer to receive 2 board ticks", () => all.every((v) => v.tickCount >= 2), 20_000, 50);

    type Round = { victim: string; wasLeader: boolean; recoveryMs: number[]; slowest: string[]; newLeaderMs: number | null; newLeader: string | null };
    const rounds: Round[] = [];
    for (const round of [1, 2]) {
      // Round 1: the leader. Round 2: another instance — the leader again (the one that took over).
      const found = await cluster.waitForLeader({ timeoutMs: NEW_LEADER_WITHIN_MS });
      expect.soft(found, `round ${round}: no instance reports cluster.role "leader" on /health`).not.toBeNull();
      const victim = found?.leader ?? cluster.alive[0];
      const killedAt = Date.now();
      await cluster.kill9(victim);
      const leaderWait = found ? cluster.waitForLeader({ not: victim, timeoutMs: OBSERVE_MS }) : Promise.resolve(null);
      const recovered = waitFor(
        "every viewer to receive a board tick sampled after the kill",
        () => all.every((v) => v.lastTick !== null && v.lastTick.t > killedAt),
        OBSERVE_MS,
        20,
      ).catch(() => undefined);
      const [next] = await Promise.all([leaderWait, recovered]);
      const recoveryMs = all.map((v) => {
        const first = v.ticksAfter(killedAt)[0];
        return first ? first.at - killedAt : Infinity;
      });
      const slowest = all
        .map((v, i) => ({ i, ms: recoveryMs[i], v }))
        .sort((x, y) => y.ms - x.ms)
        .slice(0, 3)
        .map(({ i, ms, v }) => `viewer ${i} ${ms} ms (closes ${v.closeCodes.join(",") || "none"}, opens ${v.opens}, errors ${[...v.connectErrors.keys()].join("; ") || "none"})`);
      rounds.push({ victim: victim.id, wasLeader: found !== null, recoveryMs, slowest, newLeaderMs: next ? next.at - killedAt : null, newLeader: next?.leader.id ?? null });
      const r = rounds.at(-1)!;
      report.push(
        `kill -9 #${round} of ${r.victim}${r.wasLeader ? " (leader)" : ""}: ticks again at every viewer p50 ${q(recoveryMs, 0.5)} ms, p99 ${q(recoveryMs, 0.99)} ms, max ${Math.max(...recoveryMs)} ms; ` +
          `new leader ${r.newLeader ?? "none"} after ${r.newLeaderMs ?? "—"} ms`,
      );
      expect.soft(Math.max(...recoveryMs), `kill #${round} (${victim.id}): every viewer receives board ticks again within ${TICKS_AGAIN_WITHIN_MS} ms; slowest: ${slowest.join(" | ")}`).toBeLessThanOrEqual(TICKS_AGAIN_WITHIN_MS);
      if (found) {
        expect.soft(r.newLeaderMs, `kill #${round}: another instance reports itself leader on /health within ${NEW_LEADER_WITHIN_MS} ms`).not.toBeNull();
        expect.soft(r.newLeaderMs ?? Infinity).toBeLessThanOrEqual(NEW_LEADER_WITHIN_MS);
      }
      // The next kill waits until every viewer is receiving again (as the issue's scenario says).
      await waitFor("every viewer receiving board ticks before the next step", () => all.every((v) => v.lastTick !== null && v.lastTick.t > killedAt), OBSERVE_MS, 20);
    }

    await scribe.stop();
    const acked = scribe.acked;
    report.push(`scribe: ${scribe.attempts} writes, ${acked.length} acknowledged, failed: ${[...scribe.failures].map(([e, n]) => `${n}× ${e}`).join(", ") || "none"}`);
    // The scenario ran long enough to mean something: most writes were acknowledged.
    expect(acked.length, "acknowledged timeline entries").toBeGreaterThanOrEqual(Math.floor(scribe.attempts / 2));

    // Each incident viewer ends with every acknowledged entry (events still in flight get 5 s).
    await waitFor("every incident viewer to hold every acknowledged entry", () => watchers.every((v) => acked.every((id) => v.entriesSeen.has(id))), 5_000, 50).catch(() => undefined);
    const perViewer = watchers.map((v, i) => ({
      viewer: BOARD_VIEWERS + i,
      violations: v.violations,
      duplicated: [...v.entryEvents].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`),
      missing: acked.filter((id) => !v.entriesSeen.has(id)),
      resumes: v.resumes,
      snapshots: v.resnapshots,
    }));
    report.push(
      `incident viewers: ${perViewer.reduce((s, p) => s + p.resumes, 0)} exact resumes, ${perViewer.reduce((s, p) => s + p.snapshots, 0)} fresh snapshots after reconnects; ` +
        `${perViewer.filter((p) => p.violations.length || p.duplicated.length || p.missing.length).length} of ${watchers.length} with a problem`,
    );
    for (const p of perViewer) {
      expect.soft(p.violations, `viewer ${p.viewer}: incident sequence numbers neither repeated nor skipped across reconnects`).toEqual([]);
      expect.soft(p.duplicated, `viewer ${p.viewer}: no entry delivered twice as an event`).toEqual([]);
      expect.soft(p.missing.length, `viewer ${p.viewer}: acknowledged entries it never received (of ${acked.length})`).toBe(0);
    }

    // Every acknowledged write is in PostgreSQL.
    const db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
    try {
      const stored = await db.query<{ id: string }>("select id from timeline_entries where incident_id = $1 and id = any($2::text[])", [incident.id, acked]);
      const have = new Set(stored.rows.map((r) => r.id));
      expect(acked.filter((id) => !have.has(id)), "acknowledged entries missing from PostgreSQL").toEqual([]);
    } finally {
      await db.end();
    }
    for (const v of all) v.stop();
  }, 150_000);
});
