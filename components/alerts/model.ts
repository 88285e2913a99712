import { BellRing, Siren, Ticket, type LucideIcon } from "lucide-react";
import { groupAlerts, type AlertGroup } from "@/lib/alerts/group";
import { AlertChangeSchema, AlertSchema, type Alert, type Tier } from "@/lib/alerts/model";
import { parsed, validItems } from "@/components/contract";

/** Alerts as the browser keeps them: every unresolved alert (every tier) and recent resolved ones. */
export type AlertsState = {
  /** Pending and firing alerts, every tier (the board folds lower tiers under the highest). */
  active: Alert[];
  resolved: Alert[];
  receivedAt: number;
};

export const RESOLVED_KEPT = 50;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function alertsFromSnapshot(data: unknown, receivedAt: number): AlertsState | null {
  if (!isObject(data) || !Array.isArray(data.alerts)) return null;
  return {
    active: validItems(AlertSchema, data.alerts),
    resolved: validItems(AlertSchema, data.resolved).slice(0, RESOLVED_KEPT),
    receivedAt,
  };
}

/**
 * One `change` event. Events are lossless and in order, so the state is exact: pending/firing
 * upsert, resolved/cancelled remove (a resolved alert joins the recent list, a cancelled one never fired);
 * update replaces the alert's value, summary, acknowledgement or silence.
 */
export function applyAlertChange(state: AlertsState, data: unknown, receivedAt: number): AlertsState {
  const change = parsed(AlertChangeSchema, data);
  if (!change) return state;
  const active = state.active.filter((a) => a.id !== change.alert.id);
  let resolved = state.resolved;
  switch (change.type) {
    case "pending":
    case "firing":
    case "update":
      active.push(change.alert);
      break;
    case "resolved":
      resolved = [change.alert, ...state.resolved.filter((a) => a.id !== change.alert.id || a.activeAt !== change.alert.activeAt)].slice(
        0,
        RESOLVED_KEPT,
      );
      break;
    case "cancelled":
      break;
    default:
      return state;
  }
  return { active, resolved, receivedAt };
}

/** What the wall shows: one group per rule and service (lib/alerts/group.ts), firing and unsilenced first. */
export function shownGroups(active: readonly Alert[], now: number): AlertGroup[] {
  return groupAlerts(active, now);
}

export const TIER_UI: Record<Tier, { label: string; Icon: LucideIcon; chip: string; text: string; accent: string }> = {
  1: { label: "PAGE", Icon: Siren, chip: "bg-critical/15 text-critical ring-critical/50", text: "text-critical", accent: "border-l-critical" },
  2: { label: "URGENT", Icon: BellRing, chip: "bg-warn/12 text-warn ring-warn/45", text: "text-warn", accent: "border-l-warn" },
  3: { label: "TICKET", Icon: Ticket, chip: "bg-chart-1/10 text-chart-1 ring-chart-1/40", text: "text-chart-1", accent: "border-l-chart-1/60" },
};

/** A short title: rule name for thresholds, "Error budget burn 1h/5m · <slo>" for burn-rate rules. */
export function alertTitle(a: Alert): string {
  if (a.kind === "burn-rate") return `Error budget burn ${a.labels.window ?? ""}`.trim();
  return a.name;
}

function num(v: number): string {
  const a = Math.abs(v);
  if (a >= 100) return String(Math.round(v));
  if (a >= 10) return String(+v.toFixed(1));
  return String(+v.toFixed(2));
}

/** "25.3× (threshold 14.4×)", "7.31 (threshold 5)"; null when there is nothing to compare. */
export function valueVsThreshold(a: Alert): string | null {
  const unit = a.kind === "burn-rate" ? "×" : "";
  if (a.value === null && a.threshold === null) return null;
  const value = a.value === null ? "no data" : `${num(a.value)}${unit}`;
  return a.threshold === null ? value : `${value} (threshold ${num(a.threshold)}${unit})`;
}
