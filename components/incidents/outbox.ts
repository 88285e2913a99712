import { z } from "zod";
import { ITEM_PRIORITIES, ITEM_TYPES, WRITABLE_KINDS } from "@/lib/incidents/model";

/**
 * The outbox: timeline entries typed on this device that the server has not acknowledged yet.
 * Kept in localStorage (one list per incident and user, so a reload or a second tab keeps them)
 * and sent with an Idempotency-Key each (docs/api.md): however often a note is retried — after a
 * timeout whose request did arrive, from two tabs at once, after a reload — it is written once.
 */
/** One queued write: its Idempotency-Key and exactly what is POSTed each time (same body + same key = same request). */
function queued<I extends z.ZodType>(input: I) {
  return z.object({
    /** The Idempotency-Key, chosen when it was typed and kept for every retry. */
    key: z.string().min(1).max(200),
    incidentId: z.string(),
    author: z.string().nullable(),
    input,
    queuedAt: z.number(),
    /** Why the server refused it (a retry would not help); null while it waits to be sent. */
    failed: z.string().nullable(),
  });
}

export const OutboxNoteSchema = queued(z.object({ kind: z.enum(WRITABLE_KINDS), body: z.string(), occurredAt: z.number() }));
export type OutboxNote = z.infer<typeof OutboxNoteSchema>;
/** An action item typed while the server was away (POST …/action-items), kept like a note. */
export const OutboxItemSchema = queued(
  z.object({ title: z.string(), type: z.enum(ITEM_TYPES), priority: z.enum(ITEM_PRIORITIES), owner: z.string(), dueAt: z.number().nullable() }),
);
export type OutboxItem = z.infer<typeof OutboxItemSchema>;
type Queued = OutboxNote | OutboxItem;

const PREFIX = "war-room:outbox:v1:";
const ITEMS_PREFIX = "war-room:outbox-items:v1:";
/** Dispatched on window when this tab changes an outbox (other tabs get the `storage` event). */
export const OUTBOX_EVENT = "war-room:outbox";

export function outboxKey(incidentId: string, user: string | null, what: "notes" | "items" = "notes"): string {
  return `${what === "items" ? ITEMS_PREFIX : PREFIX}${encodeURIComponent(user ?? "")}:${incidentId}`;
}

/** The writes stored under `raw` (a localStorage value); anything unreadable is left out. */
export function parseOutbox(raw: string | null): OutboxNote[];
export function parseOutbox<T extends Queued>(raw: string | null, schema: z.ZodType<T>): T[];
export function parseOutbox(raw: string | null, schema: z.ZodType<Queued> = OutboxNoteSchema): Queued[] {
  if (!raw) return [];
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  return data.flatMap((n) => {
    const r = schema.safeParse(n);
    return r.success ? [r.data] : [];
  });
}

/** What a send attempt that failed with HTTP `status` (0: no answer) means for the note. */
export function afterFailure(status: number): "wait" | "refused" {
  // No answer, the server or its database away, overload, a signed-out session, or an
  // acknowledgement race: the same request may succeed later. Anything else will not.
  return status === 0 || status >= 500 || status === 429 || status === 401 || status === 409 ? "wait" : "refused";
}

/** A random UUID, also where crypto.randomUUID is missing (plain http on a LAN address is not a secure context). */
export function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The stored list, changed by `change` (read fresh each time: another tab may have sent or added notes). */
export function updateOutbox<T extends Queued = OutboxNote>(storage: Pick<Storage, "getItem" | "setItem" | "removeItem">, key: string, change: (notes: T[]) => T[], schema: z.ZodType<T> = OutboxNoteSchema as unknown as z.ZodType<T>): T[] {
  const next = change(parseOutbox(storage.getItem(key), schema));
  if (next.length === 0) storage.removeItem(key);
  else storage.setItem(key, JSON.stringify(next));
  return next;
}
