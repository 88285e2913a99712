"use client";

import { useMemo } from "react";
import type { Alert } from "@/lib/alerts/model";
import { isSilenced } from "@/lib/alerts/group";
import { useAlerts } from "@/components/alerts/useAlerts";
import { internalRunbookPath } from "./AlertRunbookLink";
import { useAlertRunbook } from "./api";
import type { RunbookSummary } from "./types";

/** The most urgent unsilenced firing alert on these services (most severe tier, then the oldest). */
function topFiring(active: readonly Alert[], services: readonly string[], now: number): Alert | null {
  const firing = active.filter((a) => a.state === "firing" && !isSilenced(a, now) && services.includes(a.service));
  firing.sort((a, b) => a.tier - b.tier || (a.firedAt ?? a.activeAt) - (b.firedAt ?? b.activeAt));
  return firing[0] ?? null;
}

/** The incident's firing alert and its best runbook (ranked by alert name and service, lib/runbooks/rank.ts), for the top of the list. */
export function useFiringRunbook(services: readonly string[]): { alert: Alert | null; runbook: RunbookSummary | null } {
  const { active } = useAlerts(null);
  const alert = useMemo(() => topFiring(active, services, Date.now()), [active, services]);
  const internal = internalRunbookPath(alert?.annotations.runbook_url);
  const slug = internal ? decodeURIComponent(internal.slice("/runbooks/".length).split("#")[0]) : undefined;
  const { data } = useAlertRunbook(alert?.name ?? null, alert?.service, slug);
  return { alert, runbook: data ?? null };
}
