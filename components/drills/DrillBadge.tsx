import clsx from "clsx";
import { FlaskConical } from "lucide-react";

/**
 * Violet DRILL marker: a drill must never be mistaken for a real incident. `iconInKiosk`: on a wall
 * screen only the violet flask shows (the word stays for screen readers), for a narrow tile's name.
 */
export function DrillBadge({ className, label = "DRILL", iconInKiosk = false }: { className?: string; label?: string; iconInKiosk?: boolean }) {
  return (
    <span
      className={clsx(
        "inline-flex items-center gap-1 rounded-md bg-drill/15 px-2 py-0.5 text-xs font-bold tracking-wider text-drill ring-1 ring-inset ring-drill/45 whitespace-nowrap",
        className,
      )}
    >
      <FlaskConical aria-hidden className="size-3.5" strokeWidth={2.5} />
      {iconInKiosk ? <span className="kiosk:sr-only">{label}</span> : label}
    </span>
  );
}
