"use client";

import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, apiFetch } from "@/components/api";
import { useConnection } from "@/components/live/LiveProvider";
import { useAuth } from "@/components/auth/useCan";
import { subscribeStoredKey } from "@/components/ui/storedValue";
import { ActionItemSchema, TimelineEntrySchema } from "@/lib/incidents/contract";
import type { z } from "zod";
import { applyEntryResponse, applyItemResponse } from "./api";
import { authorHeaders } from "./identity";
import { useIncidentUi } from "./IncidentUi";
import { OUTBOX_EVENT, OutboxItemSchema, OutboxNoteSchema, afterFailure, newKey, outboxKey, parseOutbox, updateOutbox, type OutboxItem, type OutboxNote } from "./outbox";

/** While notes wait, how often sending is tried again (besides at every reconnect). */
const RETRY_MS = 4_000;
/** A send that has no answer by then counts as "no answer" (it may have arrived: the key makes the retry safe). */
const SEND_TIMEOUT_MS = 10_000;

/** What is queued where: timeline notes (./Timeline.tsx) and action items (./ActionItems.tsx). */
type Spec<T extends OutboxNote | OutboxItem> = {
  what: "notes" | "items";
  path: "timeline" | "action-items";
  schema: z.ZodType<T>;
  /** Puts the server's answer into the query cache. */
  apply: (qc: ReturnType<typeof useQueryClient>, answer: Record<string, unknown>) => void;
};

const NOTES: Spec<OutboxNote> = {
  what: "notes",
  path: "timeline",
  schema: OutboxNoteSchema,
  apply: (qc, r) => {
    const entry = TimelineEntrySchema.safeParse(r.entry);
    if (entry.success) applyEntryResponse(qc, entry.data);
  },
};
const ITEMS: Spec<OutboxItem> = {
  what: "items",
  path: "action-items",
  schema: OutboxItemSchema,
  apply: (qc, r) => {
    const item = ActionItemSchema.safeParse(r.item);
    if (item.success) applyItemResponse(qc, item.data);
  },
};

function change<T extends OutboxNote | OutboxItem>(list: string, schema: z.ZodType<T>, fn: (ns: T[]) => T[]): void {
  const s = storage();
  if (s) updateOutbox(s, list, fn, schema);
  window.dispatchEvent(new Event(OUTBOX_EVENT));
}

const storage = (): Storage | null => {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
};

/**
 * The outbox of one incident for the current user (./outbox.ts): `queue` stores a note first
 * and then sends it; notes that could not be sent are sent again when the live connection comes
 * back, every few seconds while they wait, and after a reload.
 */
export function useOutbox(incidentId: string) {
  return useQueue(incidentId, NOTES);
}

/** The same for action items typed on this device (kept across a reload, sent with their key). */
export function useItemOutbox(incidentId: string) {
  return useQueue(incidentId, ITEMS);
}

function useQueue<T extends OutboxNote | OutboxItem>(incidentId: string, spec: Spec<T>) {
  const qc = useQueryClient();
  const { name, askName } = useIncidentUi();
  const signedIn = useAuth().mode === "oidc";
  const connection = useConnection();
  const key = outboxKey(incidentId, name, spec.what);
  const subscribe = useMemo(() => subscribeStoredKey(key, OUTBOX_EVENT), [key]);
  const raw = useSyncExternalStore(subscribe, () => storage()?.getItem(key) ?? null, () => null);
  const notes = useMemo(() => parseOutbox(raw, spec.schema), [raw, spec.schema]);
  const sending = useRef(false);

  const flush = useCallback(async (list: string) => {
    const s = storage();
    if (!s || sending.current) return;
    sending.current = true;
    try {
      // Read again after each send: a note queued meanwhile (in this tab or another) goes out in this round.
      const tried = new Set<string>();
      for (;;) {
        const n = parseOutbox(s.getItem(list), spec.schema).find((x) => x.failed === null && !tried.has(x.key));
        if (!n) break;
        tried.add(n.key);
        try {
          const r = await apiFetch<Record<string, unknown>>(`/api/v1/incidents/${encodeURIComponent(n.incidentId)}/${spec.path}`, {
            method: "POST",
            json: n.input,
            headers: { "Idempotency-Key": `"${n.key}"`, ...(signedIn ? {} : authorHeaders(n.author)) },
            signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
          });
          spec.apply(qc, r);
          change(list, spec.schema, (ns) => ns.filter((x) => x.key !== n.key));
        } catch (err) {
          const status = err instanceof ApiError ? err.status : 0;
          if (afterFailure(status) === "wait") break;
          const message = err instanceof Error ? err.message : "refused";
          change(list, spec.schema, (ns) => ns.map((x) => (x.key === n.key ? { ...x, failed: message } : x)));
        }
      }
    } finally {
      sending.current = false;
    }
  }, [qc, signedIn, spec]);

  const queue = useCallback(
    async (input: T["input"]) => {
      const author = signedIn ? name : await askName("write");
      const note = { key: newKey(), incidentId, author, input, queuedAt: Date.now(), failed: null } as T;
      // Stored before the first attempt: a tab closed mid-request still has it. The name may
      // just have been asked for, so the list is the author's, not the one of the last render.
      const list = outboxKey(incidentId, author, spec.what);
      change(list, spec.schema, (ns) => [...ns, note]);
      void flush(list);
    },
    [askName, flush, incidentId, name, signedIn, spec],
  );

  const waiting = notes.some((n) => n.failed === null);
  useEffect(() => {
    if (connection.state === "live") void flush(key);
  }, [connection.state, flush, key]);
  useEffect(() => {
    if (!waiting) return;
    const t = window.setInterval(() => void flush(key), RETRY_MS);
    return () => window.clearInterval(t);
  }, [waiting, flush, key]);

  const discard = useCallback((k: string) => change(key, spec.schema, (ns) => ns.filter((x) => x.key !== k)), [key, spec]);
  const retry = useCallback(
    (k: string) => {
      change(key, spec.schema, (ns) => ns.map((x) => (x.key === k ? { ...x, failed: null } : x)));
      void flush(key);
    },
    [flush, key, spec],
  );

  return { notes, queue, discard, retry };
}
