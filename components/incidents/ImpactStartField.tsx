"use client";

import { useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { apiFetch } from "@/components/api";
import { IncidentDraftSchema, type IncidentDraft } from "@/lib/incidents/from-alert";
import type { TimeZoneMode } from "@/lib/signals/format";
import { toInput } from "./time";

const DraftAnswer = z.object({ draft: IncidentDraftSchema });

/** What the server would derive from the alert (impact start, detection, drill): the dialog pre-fills from it. */
export function useIncidentDraft(alertId: string | undefined) {
  return useQuery({
    queryKey: ["incident-draft", alertId],
    enabled: alertId !== undefined,
    staleTime: Infinity,
    queryFn: async () => (await apiFetch(`/api/v1/alerts/${encodeURIComponent(alertId!)}/incident-draft`, { schema: DraftAnswer })).draft,
  });
}

const zoneLabel = (tz: TimeZoneMode) => (tz === "utc" ? "UTC" : "local time");

/**
 * "Impact started at", apart from the moment of declaring: empty means now; from an alert it is
 * the alert's activeAt, and the person declaring may move it.
 */
export function ImpactStartField({ id, value, onChange, draft, tz, labelCls, fieldCls }: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  draft: IncidentDraft | undefined;
  tz: TimeZoneMode;
  labelCls: string;
  fieldCls: string;
}) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <div>
        <label htmlFor={`${id}-start`} className={labelCls}>
          Impact started at ({zoneLabel(tz)})
        </label>
        <input
          id={`${id}-start`}
          className={`${fieldCls} num`}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder="now (HH:MM or YYYY-MM-DD HH:MM:SS)"
          aria-describedby={`${id}-start-hint`}
        />
        <p id={`${id}-start-hint`} className="mt-1 text-xs text-muted">
          {draft
            ? `From the alert: its condition has been true since ${toInput(draft.startedAt, tz)}${draft.alert.firedAt !== null ? `; it fired at ${toInput(draft.alert.firedAt, tz).slice(11)}` : ""}.`
            : "When customers were first affected. Empty: now."}
        </p>
      </div>
      <div>
        <div className={labelCls}>Declared at</div>
        <p className="py-2 text-sm text-fg/90">Now, when you press Declare</p>
        <p className="mt-1 text-xs text-muted">MTTD runs from the impact start to detection{draft ? " (the alert firing)" : ""}.</p>
      </div>
    </div>
  );
}
