import type { Cursor } from "./protocol";

/** What the hub needs of a connection; the WebSocket adapter implements it. */
export interface Subscriber {
  readonly id: string;
  send(frame: string): void;
  /** Bytes queued in the socket but not yet sent. */
  bufferedAmount(): number;
  /** When a frame was last sent to it (epoch ms); connections that are busy need no heartbeat. */
  lastSentAt?(): number;
}

export type Backpressure = {
  /** Above this many queued bytes a subscriber stops getting frames on this channel. */
  highWaterBytes: number;
  /** Below this it is brought up to date again (replay or coalesced snapshot). */
  lowWaterBytes: number;
};

export type ChannelOptions = {
  name: string;
  epoch: string;
  /** Events kept for resume. */
  historyLimit: number;
  /**
   * Metric channels coalesce: a lagging subscriber gets one fresh snapshot instead of the
   * frames it missed. Lossless channels replay the missed events when they are still
   * in history (a snapshot otherwise) so no change is ever silently skipped.
   */
  lossless: boolean;
  snapshot: () => unknown;
  backpressure: Backpressure;
  now: () => number;
  /** Called after a subscriber joined or left (presence); may publish on this channel. */
  onSubscribersChanged?: (channel: Channel) => void;
};

type SubState = { lagging: boolean; lastSeq: number; since: number };

export type ChannelStats = { subscribers: number; published: number; coalesced: number; lagging: number };

export class Channel {
  readonly name: string;
  readonly epoch: string;
  private seqNo = 0;
  private readonly opts: ChannelOptions;
  /** Ring of the last `historyLimit` serialized events; `history[i]` has seq `firstSeq + i`. */
  private history: string[] = [];
  private firstSeq = 1;
  private readonly subs = new Map<Subscriber, SubState>();
  private snapshotCache: { seq: number; frame: string } | null = null;
  private publishedCount = 0;
  private coalescedCount = 0;
  private activeAt: number;

  constructor(opts: ChannelOptions) {
    this.opts = opts;
    this.name = opts.name;
    this.epoch = opts.epoch;
    this.activeAt = opts.now();
  }

  /** When something last happened here (created, published, subscribed, unsubscribed); epoch ms. */
  get lastActiveAt(): number {
    return this.activeAt;
  }

  get seq(): number {
    return this.seqNo;
  }

  get subscriberCount(): number {
    return this.subs.size;
  }

  stats(): ChannelStats {
    let lagging = 0;
    for (const s of this.subs.values()) if (s.lagging) lagging++;
    return { subscribers: this.subs.size, published: this.publishedCount, coalesced: this.coalescedCount, lagging };
  }

  /** Serializes the event once and sends the same string to every subscriber that keeps up. */
  publish(event: string, data: unknown): number {
    const seq = ++this.seqNo;
    this.activeAt = this.opts.now();
    const frame = JSON.stringify({ type: "event", channel: this.name, epoch: this.epoch, seq, time: this.opts.now(), event, data });
    this.history.push(frame);
    if (this.history.length > this.opts.historyLimit) {
      this.history.shift();
      this.firstSeq++;
    }
    this.snapshotCache = null;
    this.publishedCount++;
    const { highWaterBytes } = this.opts.backpressure;
    for (const [sub, st] of this.subs) {
      if (st.lagging) {
        this.coalescedCount++;
        continue;
      }
      if (sub.bufferedAmount() > highWaterBytes) {
        st.lagging = true;
        this.coalescedCount++;
        continue;
      }
      sub.send(frame);
      st.lastSeq = seq;
    }
    return seq;
  }

  /**
   * Adds a subscriber. With a cursor from this epoch that history still covers, sends exactly
   * the events after it and a `resumed` marker; otherwise a snapshot.
   */
  subscribe(sub: Subscriber, since?: Cursor): { resumed: boolean; replayed: number } {
    const st: SubState = { lagging: false, lastSeq: this.seqNo, since: this.subs.get(sub)?.since ?? this.opts.now() };
    this.subs.set(sub, st);
    let result = { resumed: false, replayed: 0 };
    if (since && this.canReplayFrom(since)) {
      const replayed = this.replay(sub, since.seq);
      st.lastSeq = this.seqNo;
      sub.send(JSON.stringify({ type: "resumed", channel: this.name, epoch: this.epoch, seq: this.seqNo, replayed }));
      result = { resumed: true, replayed };
    } else {
      sub.send(this.snapshotFrame());
    }
    this.subscribersChanged();
    return result;
  }

  unsubscribe(sub: Subscriber): boolean {
    const removed = this.subs.delete(sub);
    if (removed) this.activeAt = this.opts.now();
    if (removed) this.subscribersChanged();
    return removed;
  }

  /** Current subscribers and when each subscribed (epoch ms), oldest first. */
  subscribers(): { sub: Subscriber; since: number }[] {
    return [...this.subs].map(([sub, st]) => ({ sub, since: st.since })).sort((a, b) => a.since - b.since);
  }

  /** Tells the channel's owner its audience changed (e.g. a subscriber identified itself). */
  subscribersChanged(): void {
    this.opts.onSubscribersChanged?.(this);
  }

  has(sub: Subscriber): boolean {
    return this.subs.has(sub);
  }

  /** Brings lagging subscribers whose buffers drained back up to date. Call after publishing. */
  catchUp(): void {
    const { lowWaterBytes } = this.opts.backpressure;
    for (const [sub, st] of this.subs) {
      if (!st.lagging || sub.bufferedAmount() > lowWaterBytes) continue;
      st.lagging = false;
      const cursor = { epoch: this.epoch, seq: st.lastSeq };
      if (this.opts.lossless && this.canReplayFrom(cursor)) this.replay(sub, st.lastSeq);
      else sub.send(this.snapshotFrame());
      st.lastSeq = this.seqNo;
    }
  }

  private canReplayFrom(since: Cursor): boolean {
    return since.epoch === this.epoch && since.seq <= this.seqNo && since.seq >= this.firstSeq - 1;
  }

  private replay(sub: Subscriber, afterSeq: number): number {
    let n = 0;
    for (let s = afterSeq + 1; s <= this.seqNo; s++) {
      sub.send(this.history[s - this.firstSeq]);
      n++;
    }
    return n;
  }

  /** Built and serialized at most once per seq, however many subscribe at that moment. */
  private snapshotFrame(): string {
    if (this.snapshotCache?.seq !== this.seqNo) {
      const frame = JSON.stringify({
        type: "snapshot",
        channel: this.name,
        epoch: this.epoch,
        seq: this.seqNo,
        time: this.opts.now(),
        data: this.opts.snapshot(),
      });
      this.snapshotCache = { seq: this.seqNo, frame };
    }
    return this.snapshotCache.frame;
  }
}
