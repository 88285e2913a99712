"use client";

import { useState } from "react";
import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import { useChannel } from "@/components/live/LiveProvider";
import { useLiveCache } from "@/components/live/useLiveCache";
import { applyIncidentEvent, applyToList, apiQuery, detailFromSnapshot, sortIncidents, withEntry, withIncident, withItem, type ListFilters } from "./model";
import { parsed, validItems } from "@/components/contract";
import { IncidentListSchema, IncidentSchema, IncidentUpdateSchema, IncidentUpsertSchema } from "@/lib/incidents/contract";
import type { ActionItem, Incident, IncidentDetail, IncidentMetrics, TimelineEntry } from "./types";

export const liveIncidentsKey = ["live", "incidents"] as const;
export const incidentListKey = (f: ListFilters) => ["incidents", "list", f] as const;
export const incidentKey = (id: string) => ["incidents", "detail", id] as const;

/** Patches every cached, filtered list with one incident (live upsert or our own write). */
export function patchLists(qc: QueryClient, incident: Incident): void {
  for (const [key, data] of qc.getQueriesData<Incident[]>({ queryKey: ["incidents", "list"] })) {
    if (!data) continue;
    const f = key[2] as ListFilters;
    qc.setQueryData<Incident[]>(key, applyToList(data, incident, f));
  }
  qc.setQueryData<Incident[]>(liveIncidentsKey, (old) => (old ? applyToList(old, incident, { status: "all", severity: null, service: null, drills: "include" }) : old));
  qc.setQueryData<IncidentDetail>(incidentKey(incident.id), (old) => (old ? withIncident(old, incident) : old));
}

/**
 * The `incidents` channel: open incidents and the 20 most recent resolved ones, in the cache
 * for the board strip and chart markers; every upsert also patches the filtered lists.
 */
export function useLiveIncidents(): Incident[] | undefined {
  const qc = useQueryClient();
  useChannel<unknown>("incidents", {
    onSnapshot: (data) => {
      const list = (data as { incidents?: unknown })?.incidents;
      if (!Array.isArray(list)) return;
      const incidents = validItems(IncidentSchema, list);
      qc.setQueryData<Incident[]>(liveIncidentsKey, sortIncidents(incidents));
      for (const i of incidents) patchLists(qc, i);
    },
    onEvent: (event, data) => {
      const upsert = event === "upsert" ? parsed(IncidentUpsertSchema, data) : null;
      if (upsert) patchLists(qc, upsert.incident);
    },
  });
  return useLiveCache<Incident[]>(liveIncidentsKey);
}

export function useIncidentList(filters: ListFilters) {
  useLiveIncidents();
  return useQuery({
    queryKey: incidentListKey(filters),
    queryFn: ({ signal }) =>
      apiFetch(`/api/v1/incidents?${apiQuery(filters)}`, { signal, schema: IncidentListSchema }).then((r) => sortIncidents(r.incidents)),
    // The channel keeps the list current; refetch rarely, for incidents beyond its window.
    staleTime: 60_000,
  });
}

/** One incident: the HTTP read first, then the `incident:<id>` channel (snapshot + lossless events). */
export function useIncident(id: string) {
  const qc = useQueryClient();
  const [missing, setMissing] = useState(false);
  useChannel<unknown>(`incident:${id}`, {
    onSnapshot: (data) => {
      const d = detailFromSnapshot(data);
      if (!d) return;
      setMissing(false);
      qc.setQueryData<IncidentDetail>(incidentKey(id), d);
    },
    onEvent: (event, data) => {
      qc.setQueryData<IncidentDetail>(incidentKey(id), (old) => (old ? applyIncidentEvent(old, event, data) : old));
      const update = event === "incident" ? parsed(IncidentUpdateSchema, data) : null;
      if (update) patchLists(qc, update.incident);
    },
    onError: (msg) => {
      if (msg.code === "unknown_channel") setMissing(true);
    },
  });
  const query = useQuery({
    queryKey: incidentKey(id),
    queryFn: async ({ signal }) => {
      const r = await apiFetch<Omit<IncidentDetail, "viewers">>(`/api/v1/incidents/${encodeURIComponent(id)}`, { signal });
      const d = detailFromSnapshot({ ...r, viewers: qc.getQueryData<IncidentDetail>(incidentKey(id))?.viewers ?? [] });
      if (!d) throw new Error("Unexpected response");
      return d;
    },
    staleTime: Infinity,
    retry: (n, err) => (err as { status?: number }).status !== 404 && n < 2,
  });
  const notFound = missing || (query.error as { status?: number } | null)?.status === 404;
  return { detail: query.data, notFound, error: query.error };
}

// ---- writes: our own responses go into the cache at once; the channel brings everyone else's ----

export function applyIncidentResponse(qc: QueryClient, incident: Incident, metrics?: IncidentMetrics) {
  qc.setQueryData<IncidentDetail>(incidentKey(incident.id), (old) => (old ? withIncident(old, incident, metrics) : old));
  patchLists(qc, incident);
}

export function applyEntryResponse(qc: QueryClient, entry: TimelineEntry) {
  qc.setQueryData<IncidentDetail>(incidentKey(entry.incidentId), (old) => (old ? withEntry(old, entry) : old));
}

export function applyItemResponse(qc: QueryClient, item: ActionItem) {
  qc.setQueryData<IncidentDetail>(incidentKey(item.incidentId), (old) => (old ? withItem(old, item) : old));
}
