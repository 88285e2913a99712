"use client";

import { useCallback, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError } from "@/components/api";
import { useAwayError } from "./useAwayError";
import { useIncidentUi } from "./IncidentUi";
import { applyEntryResponse, applyIncidentResponse, applyItemResponse } from "./api";
import { ActionItemSchema, IncidentSchema, TimelineEntrySchema } from "@/lib/incidents/contract";
import type { ActionItem, Incident, TimelineEntry } from "./types";

export type Conflict<T> = { mine: Record<string, unknown>; current: T | null };
/** A SEV1 resolve the server wants confirmed (409 with `details.firing`, lib/incidents/service.ts): its alerts still fire. */
export type FiringConfirm = { version: number; mine: Record<string, unknown>; firing: { id: string; name: string; service: string }[]; message: string };

type Kind = "incident" | "entry" | "item";
type Resource = { incident: Incident; entry: TimelineEntry; item: ActionItem };

function apply<K extends Kind>(qc: ReturnType<typeof useQueryClient>, kind: K, v: Resource[K]) {
  if (kind === "incident") applyIncidentResponse(qc, v as Incident);
  else if (kind === "entry") applyEntryResponse(qc, v as TimelineEntry);
  else applyItemResponse(qc, v as ActionItem);
}

const SCHEMAS = { incident: IncidentSchema, entry: TimelineEntrySchema, item: ActionItemSchema } as const;
const valid = (kind: Kind, v: unknown): boolean => SCHEMAS[kind].safeParse(v).success;

/**
 * A versioned PATCH. On 409 the server's current copy goes into the cache (so the screen shows
 * what the other person did) and the conflict is kept, so the user can re-apply their change on
 * top of it or drop it. Nothing is ever retried silently.
 */
export function usePatch<K extends Kind>(kind: K, path: string) {
  const qc = useQueryClient();
  const { write } = useIncidentUi();
  const [conflict, setConflict] = useState<Conflict<Resource[K]> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const away = useAwayError(setError);
  const [confirm, setConfirm] = useState<FiringConfirm | null>(null);

  const patch = useCallback(
    async (version: number, changes: Record<string, unknown>): Promise<boolean> => {
      setPending(true);
      setError(null);
      away.reset();
      try {
        const r = await write<Record<K, Resource[K]>>(path, "PATCH", { version, ...changes });
        if (valid(kind, r[kind])) apply(qc, kind, r[kind]);
        setConflict(null);
        setConfirm(null);
        return true;
      } catch (err) {
        const firing = err instanceof ApiError && err.status === 409 ? (err.details as { firing?: unknown } | undefined)?.firing : undefined;
        if (Array.isArray(firing)) setConfirm({ version, mine: changes, firing: firing as FiringConfirm["firing"], message: (err as Error).message });
        else if (err instanceof ApiError && err.status === 409) {
          const current = (err.details as { current?: unknown } | undefined)?.current;
          if (valid(kind, current)) apply(qc, kind, current as Resource[K]);
          setConflict({ mine: changes, current: valid(kind, current) ? (current as Resource[K]) : null });
        } else {
          away.failed(err);
          setError(err instanceof Error ? err.message : "The change was not saved");
        }
        return false;
      } finally {
        setPending(false);
      }
    },
    [kind, path, qc, write, away],
  );

  const dismiss = useCallback(() => {
    setConflict(null);
    setError(null);
    setConfirm(null);
  }, []);

  return { patch, conflict, error, pending, dismiss, confirm };
}
