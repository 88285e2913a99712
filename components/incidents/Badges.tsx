import clsx from "clsx";
import { CircleDot } from "lucide-react";
import { SEVERITY_UI, STATUS_UI } from "./meta";
import type { IncidentSeverity, IncidentStatus } from "./types";

const chip = "inline-flex items-center gap-1 rounded-md px-2 py-0.5 text-xs font-bold tracking-wider whitespace-nowrap ring-1 ring-inset";

/** SEV1…SEV4: the word and its colour (and the meaning in the tooltip). */
export function SeverityBadge({ severity, className, long = false }: { severity: IncidentSeverity; className?: string; long?: boolean }) {
  const ui = SEVERITY_UI[severity];
  return (
    <span className={clsx(chip, ui.chip, className)} title={`${ui.label} ${ui.name}: ${ui.meaning}`}>
      {ui.label}
      {long && <span className="font-semibold tracking-normal normal-case">· {ui.name}</span>}
    </span>
  );
}

export function StatusBadge({ status, className }: { status: IncidentStatus; className?: string }) {
  const ui = STATUS_UI[status];
  return (
    <span className={clsx(chip, "rounded-full tracking-wide uppercase", ui.chip, className)}>
      <CircleDot aria-hidden className="size-3" strokeWidth={2.75} />
      {ui.label}
    </span>
  );
}
