"use client";

import { useNow } from "@/components/live/LiveProvider";
import { formatTime } from "@/lib/signals/format";
import { localZoneName, useTimeZone } from "./timezone";

/** Wall clock, UTC unless the viewer picked local time (remembered per browser). */
export function Clock({ showToggle = true }: { showToggle?: boolean }) {
  const now = useNow(1000);
  const [tz, setTz] = useTimeZone();
  const zone = tz === "utc" ? "UTC" : localZoneName();
  return (
    <div className="flex items-center gap-2">
      <time
        className="num text-lg font-semibold tracking-tight text-fg"
        dateTime={now === null ? undefined : new Date(now).toISOString()}
        aria-label="Current time"
      >
        {now === null ? "--:--:--" : formatTime(now, tz)}
      </time>
      <span className="text-xs font-semibold text-muted">{zone}</span>
      {showToggle && (
        <button
          type="button"
          onClick={() => setTz(tz === "utc" ? "local" : "utc")}
          className="rounded border border-line px-1.5 py-0.5 text-xs text-muted hover:border-muted hover:text-fg kiosk:hidden"
          title={tz === "utc" ? "Show times in your local zone" : "Show times in UTC"}
          aria-label={tz === "utc" ? "Switch to local time" : "Switch to UTC"}
        >
          {tz === "utc" ? "Local" : "UTC"}
        </button>
      )}
    </div>
  );
}
