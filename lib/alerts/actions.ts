import { randomUUID } from "node:crypto";
import type { Clock } from "../time";
import type { Store } from "../store/store";
import { Conflict, NotFound, parseOrInvalid } from "../errors";
import { parseMatchers } from "./matchers";
import type { Alert } from "./model";
import { CreateSilenceSchema, silenceOf, withState, type Silence, type StoredSilence } from "./silences";
import { expireSilence, getSilence, insertAck, insertSilence, listAcksSince, listSilencesEndingAfter, purgeActionsBefore, type AckRow } from "./actions-repo";

/** Acknowledgements and silences older than this are not loaded at start (alert state goes back 7 days too). */
const KEEP_MS = 7 * 24 * 3600_000;
/** Stored this long, as alert events (lib/alerts/engine.ts). */
const RETENTION_MS = 90 * 24 * 3600_000;

/**
 * What people did about alerts: acknowledged an episode (who, when) or silenced alerts by label
 * matchers for a while. Written to the store before the caller answers; kept in memory to decorate
 * every alert the channel and the API serve. A silence expires by itself: each read compares its
 * `endsAt` with the clock.
 */
export class AlertActions {
  private readonly store: Store;
  private readonly clock: Clock;
  /** `${alertId} ${activeAt}` → ack. */
  private readonly acks = new Map<string, AckRow>();
  private readonly silences = new Map<string, StoredSilence>();

  constructor(opts: { store: Store; clock: Clock }) {
    this.store = opts.store;
    this.clock = opts.clock;
  }

  /** Retention (lib/store/retention.ts): acknowledgements and ended silences older than 90 days. */
  readonly purger = { name: "alertActions", purge: (now: number) => purgeActionsBefore(this.store, now - RETENTION_MS) };

  async load(now = this.clock.now()): Promise<void> {
    const [acks, silences] = await Promise.all([listAcksSince(this.store, now - KEEP_MS), listSilencesEndingAfter(this.store, now - KEEP_MS)]);
    this.acks.clear();
    for (const a of acks) this.acks.set(ackKey(a.alertId, a.activeAt), a);
    this.silences.clear();
    for (const s of silences) this.silences.set(s.id, s);
  }

  /** Acknowledges the alert's current episode; a second acknowledgement keeps the first (who, when). */
  async ack(alert: Alert, by: string): Promise<{ ack: AckRow; created: boolean }> {
    if (alert.state === "resolved") throw new Conflict(`alert ${alert.name} on ${alert.service} has resolved; nothing to acknowledge`);
    const known = this.acks.get(ackKey(alert.id, alert.activeAt));
    if (known) return { ack: known, created: false };
    const ack = await insertAck(this.store, { alertId: alert.id, activeAt: alert.activeAt, by, at: this.clock.now() });
    this.acks.set(ackKey(ack.alertId, ack.activeAt), ack);
    return { ack, created: ack.by === by };
  }

  async createSilence(input: unknown, by: string): Promise<Silence> {
    const data = parseOrInvalid(CreateSilenceSchema, input, "silence");
    const matchers = parseMatchers(data.matchers);
    const now = this.clock.now();
    const s: StoredSilence = { id: `sil_${randomUUID()}`, matchers, startsAt: now, endsAt: now + data.durationMinutes * 60_000, reason: data.reason, createdBy: by, createdAt: now, expiredBy: null };
    await insertSilence(this.store, s);
    this.silences.set(s.id, s);
    return withState(s, now);
  }

  /** Ends a silence now (Alertmanager's "expire"). An already-ended one is a Conflict. */
  async expire(id: string, by: string): Promise<Silence> {
    const now = this.clock.now();
    if (!(await expireSilence(this.store, id, by, now))) {
      const s = await getSilence(this.store, id);
      if (!s) throw new NotFound(`no silence "${id}"`);
      throw new Conflict(`silence ${id} has already expired`, { silence: withState(s, now) });
    }
    const s = (await getSilence(this.store, id))!;
    this.silences.set(s.id, s);
    return withState(s, now);
  }

  /** Newest first; expired ones only when asked (those of the last 7 days). */
  list(opts: { expired?: boolean } = {}): Silence[] {
    const now = this.clock.now();
    return [...this.silences.values()]
      .map((s) => withState(s, now))
      .filter((s) => opts.expired || s.state === "active")
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** The alert with its acknowledgement and active silence (null when none). */
  decorate(alert: Alert, now = this.clock.now()): Alert {
    const ack = alert.state === "resolved" ? null : this.acks.get(ackKey(alert.id, alert.activeAt));
    const s = silenceOf(alert, this.silences.values(), now);
    return { ...alert, ack: ack ? { by: ack.by, at: ack.at } : null, silence: s ? { id: s.id, by: s.createdBy, reason: s.reason, endsAt: s.endsAt } : null };
  }

  /**
   * Another instance served this alert with an acknowledgement or silence this one does not know
   * (or the other way round): its memory is behind the store (lib/server/root.ts reloads it).
   */
  behind(remote: Alert, now = this.clock.now()): boolean {
    if (remote.ack === undefined && remote.silence === undefined) return false;
    const mine = this.decorate(remote, now);
    return (mine.ack?.at ?? null) !== (remote.ack?.at ?? null) || (mine.silence?.id ?? null) !== (remote.silence?.id ?? null);
  }

  isSilenced(alert: Alert, now = this.clock.now()): boolean {
    return silenceOf(alert, this.silences.values(), now) !== null;
  }

  /** Matches of a silence among these alerts (to tell them, and their incidents). */
  matching(id: string, alerts: readonly Alert[], now = this.clock.now()): Alert[] {
    const s = this.silences.get(id);
    if (!s) return [];
    return alerts.filter((a) => silenceOf(a, [s], now) !== null);
  }
}

function ackKey(alertId: string, activeAt: number): string {
  return `${alertId} ${activeAt}`;
}
