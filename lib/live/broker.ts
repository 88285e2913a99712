/**
 * A broker carries channel events between instances (docs/architecture.md "Several instances").
 * It is the channel sequencer: every event gets its per-channel `epoch` and `seq` from it, so all
 * instances deliver the same frames in the same order and a cursor from one instance resumes on
 * any other. The Redis implementation is lib/cluster/redis-broker.ts; with no broker the hub
 * sequences channels in its own process (one instance).
 */
export type BrokerFrame = {
  /** Instance that published it. */
  origin: string;
  channel: string;
  event: string;
  epoch: string;
  seq: number;
  /** The serialized `event` frame, as clients receive it (lib/live/protocol.ts). */
  frame: string;
};

export type BrokerHistory = {
  epoch: string;
  /** The channel's newest seq. */
  seq: number;
  /** Seq of `frames[0]`; frames are consecutive. */
  firstSeq: number;
  frames: string[];
};

export interface Broker {
  readonly kind: "redis";
  /** False while the broker cannot be reached: the hub then sequences locally (docs/operations.md). */
  isUp(): boolean;
  /** Sequences and fans out one event; resolves once the broker accepted it. */
  publish(msg: { channel: string; event: string; data: string; time: number; historyLimit: number }): Promise<void>;
  /** A channel's current epoch and seq (creating its epoch when the channel is new). */
  position(channel: string): Promise<{ epoch: string; seq: number }>;
  /** The events the broker still keeps for a channel after `afterSeq` (for resume on any instance); none when it no longer reaches back that far. */
  history(channel: string, afterSeq: number): Promise<BrokerHistory>;
}

export type BrokerListener = {
  frame(f: BrokerFrame): void;
  /** The broker became unreachable, or reachable again (events may have been missed meanwhile). */
  state(up: boolean): void;
};
