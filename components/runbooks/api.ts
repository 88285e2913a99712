"use client";

import { useEffect, useState } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import { useChannel } from "@/components/live/LiveProvider";
import { applyEntryResponse } from "@/components/incidents/api";
import { useIncidentUi } from "@/components/incidents/IncidentUi";
import type { TimelineEntry } from "@/components/incidents/types";
import type { RunbookCheck, RunbookCheckEvent, RunbookSummary } from "./types";
import { parsed } from "@/components/contract";
import { RunbookCheckSchema, RunbookStepsSchema } from "@/lib/incidents/contract";
import { RunbookDetailSchema, RunbookIndexSchema, RunbookMatchesSchema, RunbookSearchSchema } from "@/lib/runbooks/contract";

/** `checkout/high-latency` → `/api/v1/runbooks/checkout/high-latency` (each segment encoded). */
export const slugPath = (slug: string) => slug.split("/").map(encodeURIComponent).join("/");

export const runbooksKey = ["runbooks"] as const;

export function useRunbookList() {
  return useQuery({
    queryKey: [...runbooksKey, "list"],
    queryFn: ({ signal }) => apiFetch("/api/v1/runbooks", { signal, schema: RunbookIndexSchema }),
    staleTime: 10_000,
  });
}

/** `value` after it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export const SEARCH_DEBOUNCE_MS = 80;

/** Full-text search; the previous results stay on screen while the next query runs. */
export function useRunbookSearch(q: string) {
  const query = q.trim();
  return useQuery({
    queryKey: [...runbooksKey, "search", query],
    queryFn: ({ signal }) => apiFetch(`/api/v1/runbooks?q=${encodeURIComponent(query)}`, { signal, schema: RunbookSearchSchema }),
    enabled: query.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

export function useRunbook(slug: string) {
  return useQuery({
    queryKey: [...runbooksKey, "one", slug],
    queryFn: ({ signal }) => apiFetch(`/api/v1/runbooks/${slugPath(slug)}`, { signal, schema: RunbookDetailSchema }).then((r) => r.runbook),
    retry: (n, err) => (err as { status?: number }).status !== 404 && n < 2,
    staleTime: 10_000,
  });
}

export function useServiceRunbooks(service: string | null) {
  return useQuery({
    queryKey: [...runbooksKey, "service", service],
    queryFn: ({ signal }) =>
      apiFetch(`/api/v1/runbooks?service=${encodeURIComponent(service!)}`, { signal, schema: RunbookMatchesSchema }).then((r) => r.runbooks),
    enabled: !!service,
    staleTime: 60_000,
  });
}

/** The runbooks of several services (an incident's), merged and de-duplicated by slug. */
export function useRunbooksForServices(services: readonly string[]) {
  const key = [...services].sort();
  return useQuery({
    queryKey: [...runbooksKey, "services", key],
    queryFn: async ({ signal }) => {
      const lists = await Promise.all(
        key.map((s) => apiFetch(`/api/v1/runbooks?service=${encodeURIComponent(s)}`, { signal, schema: RunbookMatchesSchema }).then((r) => r.runbooks)),
      );
      const seen = new Map<string, RunbookSummary>();
      for (const r of lists.flat()) if (!seen.has(r.slug)) seen.set(r.slug, r);
      return [...seen.values()].sort((a, b) => a.title.localeCompare(b.title));
    },
    enabled: key.length > 0,
    staleTime: 60_000,
  });
}

/**
 * The best runbook for this alert name on this service (lib/runbooks/rank.ts: listing the alert and
 * the service first, generic ones after); `runbook`: the slug the alert's runbook_url names. Null when none.
 */
export function useAlertRunbook(name: string | null, service?: string, runbook?: string) {
  const qs = new URLSearchParams({ alert: name ?? "" });
  if (service) qs.set("service", service);
  if (runbook) qs.set("runbook", runbook);
  return useQuery({
    queryKey: [...runbooksKey, "alert", name, service ?? null, runbook ?? null],
    queryFn: ({ signal }) => apiFetch(`/api/v1/runbooks?${qs}`, { signal, schema: RunbookMatchesSchema }).then((r) => r.runbooks[0] ?? null),
    enabled: !!name,
    staleTime: 5 * 60_000,
  });
}

// ---- checklists inside an incident ----

export const checksKey = (incidentId: string, slug: string) => ["runbook-steps", incidentId, slug] as const;

export function patchCheck(qc: QueryClient, incidentId: string, e: RunbookCheckEvent): void {
  qc.setQueryData<RunbookCheck[]>(checksKey(incidentId, e.runbook), (old) =>
    old ? old.map((c) => (c.index === e.index ? { ...c, checked: e.checked, by: e.by, at: e.at } : c)) : old,
  );
}


/**
 * Tick state of one runbook in one incident: read over HTTP, then kept live by `runbook-check`
 * events on `incident:<id>`. A fresh snapshot (after a gap) refetches, since events may be missed.
 */
export function useRunbookChecks(incidentId: string, slug: string | null) {
  const qc = useQueryClient();
  useChannel<unknown>(slug ? `incident:${incidentId}` : null, {
    onSnapshot: () => void qc.invalidateQueries({ queryKey: ["runbook-steps", incidentId] }),
    onEvent: (event, data) => {
      const check = event === "runbook-check" ? parsed(RunbookCheckSchema, data) : null;
      if (check) patchCheck(qc, incidentId, check);
    },
  });
  return useQuery({
    queryKey: checksKey(incidentId, slug ?? ""),
    queryFn: ({ signal }) =>
      apiFetch(`/api/v1/incidents/${encodeURIComponent(incidentId)}/runbook-steps?runbook=${encodeURIComponent(slug!)}`, {
        signal,
        schema: RunbookStepsSchema,
      }).then((r) => r.checks),
    enabled: !!slug,
    staleTime: Infinity,
  });
}

export function useTickStep(incidentId: string, slug: string) {
  const qc = useQueryClient();
  // The incidents UI's write: asks for a name first if none, sends X-War-Room-User.
  const { write, name } = useIncidentUi();
  return useMutation({
    mutationFn: (v: { index: number; checked: boolean }) =>
      write<{ check: RunbookCheck; entry: TimelineEntry }>(`/api/v1/incidents/${encodeURIComponent(incidentId)}/runbook-steps`, "POST", {
        runbook: slug,
        index: v.index,
        checked: v.checked,
      }),
    // Optimistic: the box flips at once; an error puts the previous state back.
    onMutate: (v) => {
      const key = checksKey(incidentId, slug);
      const previous = qc.getQueryData<RunbookCheck[]>(key);
      patchCheck(qc, incidentId, { runbook: slug, index: v.index, checked: v.checked, by: name, at: Date.now() });
      return { previous };
    },
    onError: (_e, _v, context) => {
      if (context?.previous) qc.setQueryData(checksKey(incidentId, slug), context.previous);
    },
    onSuccess: ({ check, entry }) => {
      if (check) patchCheck(qc, incidentId, { runbook: slug, index: check.index, checked: check.checked, by: check.by, at: check.at });
      if (entry) applyEntryResponse(qc, entry);
    },
  });
}
