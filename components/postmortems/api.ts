"use client";

import { useRef } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, apiFetch } from "@/components/api";
import { useChannel } from "@/components/live/LiveProvider";
import type { Incident } from "@/components/incidents/types";
import { parsed } from "@/components/contract";
import { IncidentSchema } from "@/lib/incidents/contract";
import { PostmortemSavedSchema, PostmortemSchema, TemplateListSchema } from "@/lib/postmortems/contract";
import type { Postmortem, PostmortemStatus, TimelineChoice } from "./types";

/** The postmortem of an answer, or an error: the editor cannot work with anything else. */
function postmortemOf(v: unknown): Postmortem {
  const p = parsed(PostmortemSchema, v);
  if (!p) throw new Error("Unexpected response");
  return p;
}

export const postmortemKey = (incidentId: string) => ["postmortems", incidentId] as const;
export const templatesKey = ["postmortem-templates"] as const;

export const postmortemPath = (incidentId: string) => `/api/v1/incidents/${encodeURIComponent(incidentId)}/postmortem`;
/** The Markdown export (`content-disposition: attachment`). */
export const exportHref = (incidentId: string) => `${postmortemPath(incidentId)}.md`;
export const editorHref = (incidentId: string) => `/incidents/${encodeURIComponent(incidentId)}/postmortem`;

/** The incident's postmortem, or null when none has been written yet. */
export function usePostmortem(incidentId: string, enabled = true) {
  return useQuery({
    queryKey: postmortemKey(incidentId),
    queryFn: async ({ signal }): Promise<Postmortem | null> => {
      try {
        const r = await apiFetch<{ postmortem?: unknown }>(postmortemPath(incidentId), { signal });
        return postmortemOf(r.postmortem);
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
    enabled,
    // The editor adopts newer versions itself; a fresh read on every visit, then live events.
    staleTime: Infinity,
    refetchOnMount: "always",
    retry: (n, err) => !(err instanceof ApiError && err.status < 500) && n < 2,
  });
}

/**
 * The `postmortem` event of the `incident:<id>` channel: someone created or saved it. The event
 * carries no body, so a newer version is re-read into the cache; the editor decides whether it may
 * take it (no local edits) or must only say so.
 */
export function usePostmortemLive(incidentId: string): void {
  const qc = useQueryClient();
  const snapshots = useRef(0);
  useChannel<unknown>(`incident:${incidentId}`, {
    onSnapshot: () => {
      // A snapshot after the first one means a gap too old to replay: events may be missing.
      if (snapshots.current++ > 0) void qc.invalidateQueries({ queryKey: postmortemKey(incidentId) });
    },
    onEvent: (event, data) => {
      const saved = event === "postmortem" ? parsed(PostmortemSavedSchema, data) : null;
      if (!saved) return;
      const cached = qc.getQueryData<Postmortem | null>(postmortemKey(incidentId));
      if (cached && cached.version >= saved.version) return;
      void qc.invalidateQueries({ queryKey: postmortemKey(incidentId) });
    },
  });
}

export function useTemplates() {
  return useQuery({
    queryKey: templatesKey,
    queryFn: ({ signal }) =>
      apiFetch("/api/v1/postmortem-templates", { signal, schema: TemplateListSchema }),
    staleTime: 60_000,
  });
}

/** The incidents UI's write: asks for a name first if none, sends `X-War-Room-User`. */
type Write = <T>(path: string, method: "POST" | "PATCH", json: unknown) => Promise<T>;

export async function createPostmortem(write: Write, incidentId: string, input: { template: string; timeline: TimelineChoice }): Promise<Postmortem> {
  const r = await write<{ postmortem?: unknown }>(postmortemPath(incidentId), "POST", input);
  return postmortemOf(r.postmortem);
}

/** `confirm`: publish although sections still hold the template's prompt text. */
export type PostmortemChange = { version: number; body?: string; status?: PostmortemStatus; confirm?: boolean };

/** The sections a refused publish named as still holding the template's prompt text (409 placeholder_text). */
export function unwrittenSectionsOf(err: unknown): string[] | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const d = err.details as { code?: unknown; sections?: unknown } | undefined;
  return d?.code === "placeholder_text" && Array.isArray(d.sections) ? d.sections.filter((x): x is string => typeof x === "string") : null;
}

export async function patchPostmortem(write: Write, incidentId: string, change: PostmortemChange): Promise<{ postmortem: Postmortem; incident: Incident | null }> {
  const r = await write<{ postmortem?: unknown; incident?: unknown }>(postmortemPath(incidentId), "PATCH", change);
  return { postmortem: postmortemOf(r.postmortem), incident: parsed(IncidentSchema, r.incident) };
}

/** The stored copy a 409 carries in `details.current`, if it is one. */
export function currentOf(err: unknown): Postmortem | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const current = (err.details as { current?: unknown } | undefined)?.current;
  return parsed(PostmortemSchema, current);
}
