"use client";

import { memo, useState } from "react";
import clsx from "clsx";
import type { ReactNode } from "react";
import { BellOff, Check, ChevronDown, ChevronRight } from "lucide-react";
import type { Alert } from "@/lib/alerts/model";
import { isSilenced, type AlertGroup } from "@/lib/alerts/group";
import { formatDuration } from "@/lib/signals/format";
import { useCan } from "@/components/auth/useCan";
import { denied } from "@/components/auth/Gate";
import { TierBadge } from "./TierBadge";
import { TIER_UI, alertTitle, valueVsThreshold } from "./model";
import { AlertRunbook } from "./AlertRunbook";
import { useAckAlert } from "./actions";
import { SilenceDialog } from "./SilenceDialog";

const small = "inline-flex items-center gap-1 rounded-md border px-2 py-0.5 text-xs font-semibold disabled:opacity-50 kiosk:hidden";

function AckButton({ alert, now }: { alert: Alert; now: number | null }) {
  const ack = useAckAlert();
  const perm = useCan()("alert.ack");
  if (alert.ack) {
    const ago = now === null ? "" : ` · ${formatDuration(Math.max(0, now - alert.ack.at))} ago`;
    return (
      <span className="num inline-flex items-center gap-1 text-xs text-muted" title={new Date(alert.ack.at).toLocaleString()}>
        <Check aria-hidden className="size-3.5 text-ok" /> Acked by <span className="font-semibold text-fg">{alert.ack.by}</span>
        {ago}
      </span>
    );
  }
  return (
    <span className="inline-flex flex-col items-end">
      <button
        type="button"
        disabled={!perm.allowed || ack.isPending}
        {...denied(perm)}
        onClick={() => ack.mutate(alert)}
        aria-label={`Acknowledge ${alertTitle(alert)} on ${alert.service}`}
        className={clsx(small, "border-line text-fg hover:border-muted")}
      >
        <Check aria-hidden className="size-3.5" /> Ack
      </button>
      {ack.isError && <span role="alert" className="text-xs text-critical">{ack.error.message}</span>}
    </span>
  );
}

function SilenceButton({ alert }: { alert: Alert }) {
  const [open, setOpen] = useState(false);
  const perm = useCan()("alert.silence");
  return (
    <>
      <button
        type="button"
        disabled={!perm.allowed}
        {...denied(perm)}
        onClick={() => setOpen(true)}
        aria-label={`Silence ${alertTitle(alert)} on ${alert.service}`}
        className={clsx(small, "border-line text-muted hover:border-muted hover:text-fg")}
      >
        <BellOff aria-hidden className="size-3.5" /> Silence
      </button>
      {open && <SilenceDialog alert={alert} onClose={() => setOpen(false)} />}
    </>
  );
}

function SilencedNote({ alert, now }: { alert: Alert; now: number | null }) {
  const s = alert.silence!;
  const left = now === null ? "" : ` · ${formatDuration(Math.max(0, s.endsAt - now))} left`;
  return (
    <p className="num flex items-center gap-1 text-xs text-muted">
      <BellOff aria-hidden className="size-3.5" /> Silenced by <span className="font-semibold text-fg">{s.by}</span>
      {left} — {s.reason}
    </p>
  );
}

/** A folded lower tier: badge, state, live value, age. */
function FoldedAlert({ alert, now }: { alert: Alert; now: number | null }) {
  const since = alert.state === "firing" ? (alert.firedAt ?? alert.activeAt) : alert.activeAt;
  const value = valueVsThreshold(alert);
  return (
    <li className="num flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted" aria-label={`${TIER_UI[alert.tier].label} ${alert.state} ${alertTitle(alert)} ${alert.service}`}>
      <TierBadge tier={alert.tier} className="opacity-80" />
      <span>{alert.state}</span>
      {value && <span>{value}</span>}
      {now !== null && <span>for {formatDuration(now - since)}</span>}
      {alert.ack && <span>acked by {alert.ack.by}</span>}
    </li>
  );
}

/**
 * One rule on one service: its most urgent alert, the other tiers folded under it, and the
 * group's one Declare button (`declare`, given while the group fires; components/alerts/FiringAlerts.tsx).
 */
export const AlertGroupRow = memo(function AlertGroupRow({ group, now, stale, declare }: { group: AlertGroup; now: number | null; stale: boolean; declare: ReactNode }) {
  const [expanded, setExpanded] = useState(false);
  const alert = group.top;
  const firing = alert.state === "firing";
  const silenced = now !== null && isSilenced(alert, now);
  const since = firing ? (alert.firedAt ?? alert.activeAt) : alert.activeAt;
  const age = now === null ? null : formatDuration(now - since);
  const value = valueVsThreshold(alert);
  const slo = alert.kind === "burn-rate" ? alert.labels.slo : undefined;
  const lower = group.folded.length;

  return (
    <li
      aria-label={`${TIER_UI[alert.tier].label} ${alert.state}${silenced ? " silenced" : ""} ${alertTitle(alert)} ${alert.service}`}
      data-testid="alert-group"
      className={clsx(
        "grid grid-cols-[6.5rem_1fr_auto] items-start gap-x-4 gap-y-1 rounded-lg border border-l-4 border-line px-4 py-3 kiosk:grid-cols-[auto_1fr_auto] kiosk:items-center kiosk:gap-x-3 kiosk:gap-y-0 kiosk:px-3 kiosk:py-1",
        firing && !silenced ? clsx("bg-surface", TIER_UI[alert.tier].accent) : "border-l-line bg-transparent",
        (!firing || silenced) && "opacity-80",
        stale && "opacity-60",
      )}
    >
      <div className="flex flex-col items-start gap-1 pt-0.5">
        <TierBadge tier={alert.tier} className={firing ? undefined : "opacity-75"} />
        {!firing && <span className="text-[0.7rem] font-bold tracking-wider text-muted uppercase kiosk:hidden">pending</span>}
        {silenced && <span className="text-[0.7rem] font-bold tracking-wider text-muted uppercase">silenced</span>}
      </div>
      <div className="min-w-0">
        <div className="flex flex-wrap items-baseline gap-x-3">
          <span className="text-base font-semibold break-words text-fg">{alertTitle(alert)}</span>
          <span className="text-sm text-muted">{alert.service}</span>
          {slo && <span className="text-sm text-muted">SLO {slo}</span>}
          {value && <span className="num hidden text-sm text-muted kiosk:inline">{value}</span>}
        </div>
        {/* Kiosk: one line per alert (name, service, value); the summary and links are for a desk. */}
        <p className="text-sm text-muted kiosk:hidden">{alert.annotations.summary}</p>
        <div className="num mt-0.5 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted kiosk:hidden">
          {value && <span data-testid="alert-value">{value}</span>}
          <AlertRunbook alert={alert} />
          {lower > 0 && (
            <button type="button" aria-expanded={expanded} onClick={() => setExpanded(!expanded)} className="inline-flex items-center gap-0.5 font-semibold text-muted hover:text-fg">
              {expanded ? <ChevronDown aria-hidden className="size-3.5" /> : <ChevronRight aria-hidden className="size-3.5" />}
              {lower} lower {lower === 1 ? "tier" : "tiers"}
            </button>
          )}
        </div>
        {silenced && <SilencedNote alert={alert} now={now} />}
        {expanded && lower > 0 && (
          <ul aria-label={`Lower tiers of ${alertTitle(alert)} on ${alert.service}`} className="mt-2 flex flex-col gap-1.5 border-l-2 border-line pl-3">
            {group.folded.map((a) => (
              <FoldedAlert key={a.id} alert={a} now={now} />
            ))}
          </ul>
        )}
      </div>
      <div className="flex flex-col items-end gap-1.5">
        <div className={clsx("num pt-0.5 text-right text-sm whitespace-nowrap", firing ? "font-semibold text-fg" : "text-muted")}>
          {age === null ? "—" : `${firing ? "firing" : "pending"} for ${age}`}
        </div>
        <div className="flex flex-wrap items-center justify-end gap-1.5">
          {declare}
          <AckButton alert={alert} now={now} />
          {!silenced && <SilenceButton alert={alert} />}
        </div>
      </div>
    </li>
  );
});
