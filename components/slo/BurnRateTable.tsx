import { memo } from "react";
import clsx from "clsx";
import { BellRing, Ticket } from "lucide-react";
import { BURN_WINDOWS, type BurnWindow } from "@/lib/slo/math";
import type { SloStatus } from "@/lib/slo/contract";
import { StateMark } from "@/components/ui/state";
import { formatBurn, formatFactor } from "./model";

type Rule = SloStatus["burnAlerts"][number];

const SEVERITY_UI = {
  page: { label: "Page", Icon: BellRing },
  ticket: { label: "Ticket", Icon: Ticket },
} as const;

function RuleBadge({ alert }: { alert: Rule }) {
  const ui = SEVERITY_UI[alert.rule.severity];
  const { longWindow, shortWindow } = alert.rule;
  return (
    <span
      className={clsx(
        "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-[0.7rem] font-bold tracking-wide whitespace-nowrap ring-1 ring-inset",
        alert.firing
          ? alert.rule.severity === "page"
            ? "bg-critical/15 text-critical ring-critical/50"
            : "bg-warn/12 text-warn ring-warn/45"
          : "text-faint ring-line",
      )}
    >
      <ui.Icon aria-hidden className="size-3" strokeWidth={2.5} />
      {ui.label.toUpperCase()} {longWindow}+{shortWindow} {alert.firing ? "FIRING" : "quiet"}
    </span>
  );
}

/**
 * Burn rate per window (1× spends the budget exactly over the SLO window), and for the windows the
 * alert rules read, the factor each needs. A rule fires only when both of its windows reach it.
 */
export const BurnRateTable = memo(function BurnRateTable({ slo, stale }: { slo: SloStatus; stale: boolean }) {
  const uses = (w: BurnWindow, severity: "page" | "ticket") =>
    slo.burnAlerts.filter((a) => a.rule.severity === severity && (a.rule.longWindow === w || a.rule.shortWindow === w));
  const over = (w: BurnWindow) => {
    const v = slo.burnRates[w];
    return v !== null && slo.burnAlerts.some((a) => (a.rule.longWindow === w || a.rule.shortWindow === w) && v >= a.rule.factor);
  };
  const rows = (["page", "ticket"] as const).filter((sev) => slo.burnAlerts.some((a) => a.rule.severity === sev));

  return (
    <div>
      <table className={clsx("num w-full table-fixed border-collapse text-sm", stale && "opacity-60")}>
        <caption className="mb-1 text-left text-xs font-semibold tracking-wider text-muted uppercase">
          Burn rate by window <span className="font-normal normal-case">(1× = budget lasts exactly the window)</span>
        </caption>
        <thead>
          <tr className="text-xs text-muted">
            <th scope="col" className="w-24 py-1 text-left font-semibold">
              Window
            </th>
            {BURN_WINDOWS.map((w) => (
              <th key={w} scope="col" className="py-1 text-right font-semibold">
                {w}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr className="border-t border-line">
            <th scope="row" className="py-1.5 text-left text-xs font-semibold text-muted">
              Burn rate
            </th>
            {BURN_WINDOWS.map((w) => (
              <td
                key={w}
                className={clsx("py-1.5 text-right text-base font-semibold", over(w) && !stale ? "text-critical" : "text-fg")}
              >
                <span className="inline-flex items-center gap-1">
                  {over(w) && !stale && <StateMark state="critical" compact />}
                  {formatBurn(slo.burnRates[w])}
                </span>
                {over(w) && !stale && <span className="sr-only"> (at or above an alert threshold)</span>}
              </td>
            ))}
          </tr>
          {rows.map((sev) => (
            <tr key={sev} className="border-t border-line/60">
              <th scope="row" className="py-1 text-left text-xs font-semibold text-muted">
                {SEVERITY_UI[sev].label} at ≥
              </th>
              {BURN_WINDOWS.map((w) => {
                const rules = uses(w, sev);
                const firing = rules.some((r) => r.firing);
                return (
                  <td key={w} className={clsx("py-1 text-right text-xs", firing ? "font-bold text-critical" : "text-muted")}>
                    {rules.length ? [...new Set(rules.map((r) => formatFactor(r.rule.factor)))].join(" / ") : <span className="text-faint">—</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {slo.burnAlerts.length > 0 && (
        <div className="mt-2 flex flex-wrap gap-1.5" aria-label="Burn-rate alert rules">
          {slo.burnAlerts.map((a) => (
            <RuleBadge key={a.rule.id} alert={a} />
          ))}
        </div>
      )}
    </div>
  );
});
