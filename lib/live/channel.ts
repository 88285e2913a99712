import type { BrokerHistory } from "./broker";
import type { Cursor } from "./protocol";
import { inlineDispatcher, ListFanOut, type Dispatcher } from "./dispatch";
import { OutFrame, type Frame } from "./frame";

/** What the hub needs of a connection; the WebSocket adapter implements it. */
export interface Subscriber {
  readonly id: string;
  /** A string is this connection's own message; an OutFrame is shared by a fan-out (lib/live/frame.ts). */
  send(frame: Frame): void;
  /** Bytes queued in the socket but not yet sent. */
  bufferedAmount(): number;
  /** When a frame was last sent to it (epoch ms); connections that are busy need no heartbeat. */
  lastSentAt?(): number;
}

export type Backpressure = {
  /** Above this many queued bytes a subscriber stops getting frames on this channel, snapshots included. */
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
  /** Default `local`. */
  sequencing?: Sequencing;
  /** Called after a subscriber joined or left (presence); may publish on this channel. */
  onSubscribersChanged?: (channel: Channel) => void;
  /** Sends fan-outs in slices (lib/live/dispatch.ts); default: all at once. */
  dispatcher?: Dispatcher;
};

/**
 * `lastSeq`: the newest seq this subscriber has (a snapshot counts as all of them). `resume`: its
 * subscribe came while it was over the high-water mark, so nothing was sent yet; once drained it
 * gets the replay and `resumed` (or a snapshot), as the subscribe would have.
 */
type SubState = { lagging: boolean; lastSeq: number; since: number; resume: boolean };

/** A lagging subscriber whose next frame must be a snapshot (no cursor can be replayed from it). */
const NO_CURSOR = -1;

export type ChannelStats = { subscribers: number; published: number; coalesced: number; lagging: number };

/**
 * Who numbers the channel's events: `local`, this process (one instance, or the broker is down);
 * `shared`, the broker, whose frames this channel relays (lib/live/broker.ts); `unsynced`, the
 * broker, but this instance does not know the channel's position yet.
 */
export type Sequencing = "local" | "shared" | "unsynced";

export class Channel {
  readonly name: string;
  private epochId: string;
  private seqNo = 0;
  private mode: Sequencing;
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
    this.epochId = opts.epoch;
    this.mode = opts.sequencing ?? "local";
    this.activeAt = opts.now();
  }

  get epoch(): string {
    return this.epochId;
  }

  get sequencing(): Sequencing {
    return this.mode;
  }

  get lossless(): boolean {
    return this.opts.lossless;
  }

  get historyLimit(): number {
    return this.opts.historyLimit;
  }

  /**
   * A frame the broker sequenced (every instance gets the same ones in the same order). A new
   * epoch (the broker's first frame for this instance, or its data was lost) starts over: every
   * subscriber gets a snapshot. A repeated seq is dropped; a gap (frames missed while the broker
   * connection was down) is relayed as is, and clients heal it by resubscribing with their cursor.
   */
  deliver(epoch: string, seq: number, frame: string): void {
    this.activeAt = this.opts.now();
    if (this.mode !== "shared" || epoch !== this.epochId) {
      this.restart("shared", epoch, seq, [frame]);
      return;
    }
    if (seq <= this.seqNo) return;
    if (seq > this.seqNo + 1) {
      this.history = [];
      this.firstSeq = seq;
    }
    this.seqNo = seq;
    this.append(frame);
    this.fanOut(frame, seq);
  }

  /** The broker's position for this channel, fetched when it was not known (see Hub). */
  adopt(epoch: string, seq: number): void {
    if (this.mode === "shared" && epoch === this.epochId) {
      if (seq > this.seqNo) {
        this.seqNo = seq;
        this.history = [];
        this.firstSeq = seq + 1;
      }
      return;
    }
    this.restart("shared", epoch, seq, []);
  }

  /** Every subscriber gets a fresh snapshot at the current seq (the state behind it was reloaded). */
  refresh(): void {
    this.snapshotCache = null;
    if (this.subs.size === 0) return;
    const snap = new OutFrame(this.snapshotFrame());
    const { highWaterBytes } = this.opts.backpressure;
    for (const [sub, st] of this.subs) {
      st.resume = false;
      if (sub.bufferedAmount() > highWaterBytes) {
        // It gets this snapshot once it has drained (catchUp), not on top of its backlog.
        st.lagging = true;
        st.lastSeq = NO_CURSOR;
        continue;
      }
      st.lagging = false;
      st.lastSeq = this.seqNo;
      sub.send(snap);
    }
  }

  /** Sequence here from now on (the broker is down, or gone): a new epoch, subscribers get a snapshot. */
  goLocal(epoch: string): void {
    if (this.mode === "local") return;
    this.restart("local", epoch, this.seqNo, []);
  }

  /** The broker is back: the position is unknown until its next frame or a fetch. */
  unsync(): void {
    if (this.mode === "local") this.mode = "unsynced";
  }

  private restart(mode: Sequencing, epoch: string, seq: number, frames: string[]): void {
    this.mode = mode;
    this.epochId = epoch;
    this.seqNo = seq;
    this.history = frames;
    this.firstSeq = seq - frames.length + 1;
    this.refresh();
  }

  private append(frame: string): void {
    this.history.push(frame);
    if (this.history.length > this.opts.historyLimit) {
      this.history.shift();
      this.firstSeq++;
    }
    this.snapshotCache = null;
    this.publishedCount++;
  }

  /**
   * Queues `frame` for everyone subscribed now; the dispatcher sends it in slices. Whoever left,
   * resubscribed (its snapshot already holds `seq`) or fell behind by the time its turn comes is
   * skipped, so nobody gets an event twice or on top of a backlog.
   */
  private fanOut(frame: string, seq: number): void {
    if (this.subs.size === 0) return;
    const out = new OutFrame(frame);
    const epoch = this.epochId;
    (this.opts.dispatcher ?? inlineDispatcher).enqueue(new ListFanOut(Array.from(this.subs.keys()), (sub) => this.deliverTo(sub, out, epoch, seq)));
  }

  /** Sends one fanned-out event to `sub` if it still needs it (a restart to a new epoch meanwhile sent everyone a snapshot). */
  private deliverTo(sub: Subscriber, frame: OutFrame, epoch: string, seq: number): void {
    const st = this.subs.get(sub);
    if (!st || st.lastSeq >= seq || epoch !== this.epochId) return;
    if (st.lagging) {
      this.coalescedCount++;
      return;
    }
    if (sub.bufferedAmount() > this.opts.backpressure.highWaterBytes) {
      st.lagging = true;
      this.coalescedCount++;
      return;
    }
    sub.send(frame);
    st.lastSeq = seq;
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

  /** Serializes the event once and sends the same string to every subscriber that keeps up (local sequencing). */
  publish(event: string, data: unknown): number {
    const seq = ++this.seqNo;
    this.activeAt = this.opts.now();
    const frame = JSON.stringify({ type: "event", channel: this.name, epoch: this.epochId, seq, time: this.opts.now(), event, data });
    this.append(frame);
    this.fanOut(frame, seq);
    return seq;
  }

  /**
   * Adds a subscriber. With a cursor from this epoch that history still covers, sends exactly
   * the events after it and a `resumed` marker; otherwise a snapshot.
   */
  subscribe(sub: Subscriber, since?: Cursor, fetched?: BrokerHistory): { resumed: boolean; replayed: number } {
    const st: SubState = { lagging: false, lastSeq: this.seqNo, since: this.subs.get(sub)?.since ?? this.opts.now(), resume: false };
    this.subs.set(sub, st);
    let result = { resumed: false, replayed: 0 };
    // Older events than this instance kept, from the broker's history (resume on another instance).
    if (since && !this.canReplayFrom(since) && fetched && this.mode === "shared") this.merge(fetched);
    if (sub.bufferedAmount() > this.opts.backpressure.highWaterBytes) {
      // A client that subscribes again and again without reading would otherwise queue a snapshot
      // each time; it gets one answer, once its buffer has drained (catchUp).
      const resumable = since !== undefined && this.canReplayFrom(since);
      st.lagging = true;
      st.lastSeq = resumable ? since.seq : NO_CURSOR;
      st.resume = resumable;
      this.coalescedCount++;
    } else if (since && this.canReplayFrom(since)) {
      const replayed = this.replay(sub, since.seq);
      st.lastSeq = this.seqNo;
      sub.send(JSON.stringify({ type: "resumed", channel: this.name, epoch: this.epochId, seq: this.seqNo, replayed }));
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
    for (const sub of this.subs.keys()) this.catchUpOne(sub);
  }

  /** Brings one lagging subscriber up to date if its buffer drained (also when its socket says so: Hub.drained). */
  catchUpOne(sub: Subscriber): void {
    const st = this.subs.get(sub);
    if (!st?.lagging || sub.bufferedAmount() > this.opts.backpressure.lowWaterBytes) return;
    st.lagging = false;
    const cursor = { epoch: this.epochId, seq: st.lastSeq };
    // A deferred resume replays on every channel (as the subscribe would have); a lagging metric channel gets the smaller snapshot.
    if ((this.opts.lossless || st.resume) && this.canReplayFrom(cursor)) {
      const replayed = this.replay(sub, st.lastSeq);
      if (st.resume) sub.send(JSON.stringify({ type: "resumed", channel: this.name, epoch: this.epochId, seq: this.seqNo, replayed }));
    } else sub.send(this.snapshotFrame());
    st.resume = false;
    st.lastSeq = this.seqNo;
  }

  /** A cursor of this epoch that only the broker's history can still replay (lossless channels only: a metric channel's snapshot is smaller than its missed ticks). */
  needsBrokerHistory(since: Cursor | undefined): boolean {
    return this.opts.lossless && this.mode === "shared" && since !== undefined && since.epoch === this.epochId && !this.canReplayFrom(since);
  }

  /** Whether a subscribe from `since` can be replayed from what this instance holds. */
  canReplayFrom(since: Cursor): boolean {
    return since.epoch === this.epochId && since.seq <= this.seqNo && since.seq >= this.firstSeq - 1;
  }

  /** Prepends the broker's older frames when they join up with the local ones. */
  private merge(h: BrokerHistory): void {
    if (h.epoch !== this.epochId || h.frames.length === 0) return;
    const hLast = h.firstSeq + h.frames.length - 1;
    if (h.firstSeq >= this.firstSeq || hLast < this.firstSeq - 1) return;
    const older = h.frames.slice(0, this.firstSeq - h.firstSeq);
    const keep = Math.max(this.opts.historyLimit, this.history.length);
    this.history = [...older, ...this.history].slice(-keep);
    this.firstSeq = this.seqNo - this.history.length + 1;
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
        epoch: this.epochId,
        seq: this.seqNo,
        time: this.opts.now(),
        data: this.opts.snapshot(),
      });
      this.snapshotCache = { seq: this.seqNo, frame };
    }
    return this.snapshotCache.frame;
  }
}

