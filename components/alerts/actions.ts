"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useIncidentUi } from "@/components/incidents/IncidentUi";
import { AlertSchema, type Alert } from "@/lib/alerts/model";
import { alertsQueryKey } from "./useAlerts";
import type { AlertsState } from "./model";

/** The answer's alert into the cache at once (the `update` event on `alerts` follows for everyone else). */
function patchAlert(qc: ReturnType<typeof useQueryClient>, alert: unknown) {
  const parsed = AlertSchema.safeParse(alert);
  if (!parsed.success) return;
  qc.setQueryData<AlertsState>(alertsQueryKey, (old) => (old ? { ...old, active: old.active.map((a) => (a.id === parsed.data.id ? parsed.data : a)) } : old));
}

/** POST /api/v1/alerts/{id}/ack, attributed like every incident write (asks for a name first in local mode). */
export function useAckAlert() {
  const qc = useQueryClient();
  const { write } = useIncidentUi();
  return useMutation({
    mutationFn: (alert: Alert) => write<{ alert: Alert }>(`/api/v1/alerts/${encodeURIComponent(alert.id)}/ack`, "POST", {}),
    onSuccess: (r) => patchAlert(qc, r.alert),
  });
}

export type SilenceDraft = { matchers: string[]; durationMinutes: number; reason: string };

/** POST /api/v1/silences: the alerts it mutes come back and go into the cache. */
export function useCreateSilence() {
  const qc = useQueryClient();
  const { write } = useIncidentUi();
  return useMutation({
    mutationFn: (draft: SilenceDraft) => write<{ silence: unknown; alerts: Alert[] }>("/api/v1/silences", "POST", draft),
    onSuccess: (r) => {
      for (const a of r.alerts) patchAlert(qc, a);
    },
  });
}

/** DELETE /api/v1/silences/{id}: expire now. */
export function useExpireSilence() {
  const { write } = useIncidentUi();
  return useMutation({ mutationFn: (id: string) => write<{ silence: unknown }>(`/api/v1/silences/${encodeURIComponent(id)}`, "DELETE", undefined) });
}
