import { z } from "zod";

/** Protocol version, sent in `hello`. Bump on incompatible change. */
export const PROTOCOL_VERSION = 1;

/** Largest client frame the server accepts (bytes). Larger frames close the socket with 1009. */
export const MAX_CLIENT_FRAME_BYTES = 16 * 1024;

/**
 * Channel names: `board`, `service:<id>`, `alerts`, `slos`, `incidents`, `incident:<id>`.
 */
export const ChannelNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-z]+(:[A-Za-z0-9._-]+)?$/, "channel must look like `board` or `service:<id>`");

/** Longest display name a connection may identify with. */
export const MAX_NAME_CHARS = 100;

export const CursorSchema = z.object({
  epoch: z.string().min(1).max(100),
  seq: z.number().int().min(0),
});
export type Cursor = z.infer<typeof CursorSchema>;

// ---- client → server ------------------------------------------------------

export const ClientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("subscribe"), channel: ChannelNameSchema, since: CursorSchema.optional() }).strict(),
  z.object({ type: z.literal("unsubscribe"), channel: ChannelNameSchema }).strict(),
  z.object({ type: z.literal("ping"), id: z.union([z.string().max(100), z.number()]).optional() }).strict(),
  /** Presence: the display name shown to others viewing the same incident. */
  z
    .object({
      type: z.literal("identify"),
      name: z.string().trim().min(1, "name must not be empty").max(MAX_NAME_CHARS, `name is at most ${MAX_NAME_CHARS} characters`),
    })
    .strict(),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

// ---- server → client ------------------------------------------------------

export type HelloMessage = {
  type: "hello";
  protocol: number;
  serverId: string;
  version: string;
  heartbeatMs: number;
  tickMs: number;
  time: number;
};

/** Full state of a channel as of `seq`. The next event on the channel has `seq + 1`. */
export type SnapshotMessage<D = unknown> = {
  type: "snapshot";
  channel: string;
  epoch: string;
  seq: number;
  time: number;
  data: D;
};

/** One change on a channel. Events of a channel have consecutive `seq` within an `epoch`. */
export type EventMessage<D = unknown> = {
  type: "event";
  channel: string;
  epoch: string;
  seq: number;
  time: number;
  event: string;
  data: D;
};

/** Sent after a resumed subscribe, once the missed events were replayed. */
export type ResumedMessage = {
  type: "resumed";
  channel: string;
  epoch: string;
  seq: number;
  replayed: number;
};

export type ErrorMessage = {
  type: "error";
  code: "bad_frame" | "bad_message" | "unknown_channel" | "too_many_subscriptions" | "internal";
  message: string;
  channel?: string;
  details?: unknown;
};

export type ServerMessage =
  | HelloMessage
  | SnapshotMessage
  | EventMessage
  | ResumedMessage
  | ErrorMessage
  | { type: "unsubscribed"; channel: string }
  | { type: "heartbeat"; time: number }
  | { type: "pong"; id?: string | number; time: number };
