import { z } from "zod";

/** Protocol version, sent in `hello`. Bump on incompatible change. */
export const PROTOCOL_VERSION = 1;

/** Largest client frame the server accepts (bytes). Larger frames close the socket with 1009. */
export const MAX_CLIENT_FRAME_BYTES = 16 * 1024;

/**
 * Channel names: `board`, `service:<id>`, `alerts`, `slos`, `incidents`, `incident:<id>`, `gameday:<runId>`.
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

const seq = z.number().int().min(0);
/** Present, whatever its value (a frame without `data` is malformed). */
const data = z.custom<unknown>((v) => v !== undefined, "data is required");

export const HelloMessageSchema = z.object({
  type: z.literal("hello"),
  protocol: z.number(),
  serverId: z.string(),
  version: z.string(),
  heartbeatMs: z.number().positive(),
  tickMs: z.number(),
  time: z.number(),
});
export type HelloMessage = z.infer<typeof HelloMessageSchema>;

/** Full state of a channel as of `seq`. The next event on the channel has `seq + 1`. */
export const SnapshotMessageSchema = z.object({ type: z.literal("snapshot"), channel: z.string(), epoch: z.string(), seq, time: z.number(), data });
export type SnapshotMessage<D = unknown> = Omit<z.infer<typeof SnapshotMessageSchema>, "data"> & { data: D };

/** One change on a channel. Events of a channel have consecutive `seq` within an `epoch`. */
export const EventMessageSchema = z.object({ type: z.literal("event"), channel: z.string(), epoch: z.string(), seq, time: z.number(), event: z.string(), data });
export type EventMessage<D = unknown> = Omit<z.infer<typeof EventMessageSchema>, "data"> & { data: D };

/** Sent after a resumed subscribe, once the missed events were replayed. */
export const ResumedMessageSchema = z.object({ type: z.literal("resumed"), channel: z.string(), epoch: z.string(), seq, replayed: z.number().int() });
export type ResumedMessage = z.infer<typeof ResumedMessageSchema>;

export const ErrorMessageSchema = z.object({
  type: z.literal("error"),
  code: z.enum(["bad_frame", "bad_message", "unknown_channel", "too_many_subscriptions", "internal"]),
  message: z.string(),
  channel: z.string().optional(),
  details: z.unknown().optional(),
});
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>;

export const ServerMessageSchema = z.discriminatedUnion("type", [
  HelloMessageSchema,
  SnapshotMessageSchema,
  EventMessageSchema,
  ResumedMessageSchema,
  ErrorMessageSchema,
  z.object({ type: z.literal("unsubscribed"), channel: z.string() }),
  z.object({ type: z.literal("heartbeat"), time: z.number() }),
  z.object({ type: z.literal("pong"), id: z.union([z.string(), z.number()]).optional(), time: z.number() }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
