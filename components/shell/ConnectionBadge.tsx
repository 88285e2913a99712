"use client";

import clsx from "clsx";
import { CircleDashed, LogOut, Radio, RefreshCw, WifiOff } from "lucide-react";
import { useConnection, useLiveClient, useNow } from "@/components/live/LiveProvider";
import { connectionAge } from "./age";

const STYLE = {
  live: { Icon: Radio, cls: "text-ok ring-ok/45 bg-ok/10" },
  connecting: { Icon: CircleDashed, cls: "text-stale ring-stale/40 bg-stale/10" },
  reconnecting: { Icon: RefreshCw, cls: "text-warn ring-warn/50 bg-warn/10" },
  offline: { Icon: WifiOff, cls: "text-critical ring-critical/50 bg-critical/10" },
  "signed-out": { Icon: LogOut, cls: "text-critical ring-critical/50 bg-critical/10" },
} as const;

/**
 * Connection state and the age of its last frame, always on screen (docs/protocol.md "Reconnect policy"). The state word sits in a
 * live region; the age, which changes several times a second, deliberately does not.
 */
export function ConnectionBadge({ className }: { className?: string }) {
  const info = useConnection();
  const client = useLiveClient();
  const now = useNow(250);

  const label =
    info.state === "live"
      ? "LIVE"
      : info.state === "connecting"
        ? "CONNECTING"
        : info.state === "reconnecting"
          ? `RECONNECTING (attempt ${info.attempt})`
          : info.state === "signed-out"
            ? "SIGNED OUT"
          : info.attempt > 0
            ? `OFFLINE (attempt ${info.attempt})`
            : "OFFLINE";
  const { Icon, cls } = STYLE[info.state];

  // The connection's last frame of any kind, not one channel's data (components/shell/age.ts).
  const age = connectionAge(client?.lastMessageAt ?? null, now, { heartbeatMs: info.hello?.heartbeatMs ?? 15_000, tickMs: info.hello?.tickMs ?? 1000 });
  const late = age.late || (info.state !== "live" && age.ageMs !== null);
  const retryIn = info.nextRetryAt !== null && now !== null ? Math.max(0, info.nextRetryAt - now) : null;

  return (
    <div className={clsx("flex items-center gap-3 whitespace-nowrap", className)}>
      <span
        role="status"
        aria-label="Connection"
        className={clsx("inline-flex items-center gap-1.5 rounded-md px-2.5 py-1 text-xs font-bold tracking-wider ring-1 ring-inset", cls)}
      >
        <Icon aria-hidden className="size-3.5" strokeWidth={2.5} />
        {label}
      </span>
      <span data-testid="data-age" className={clsx("num text-sm", late ? "font-semibold text-warn" : "text-muted")}>
        {age.text}
      </span>
      {retryIn !== null && info.state !== "live" && (
        <span className="num text-sm text-muted">retry in {Math.ceil(retryIn / 1000)} s</span>
      )}
    </div>
  );
}
