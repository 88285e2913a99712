"use client";

import { useQuery } from "@tanstack/react-query";
import { z } from "zod";
import clsx from "clsx";
import { apiFetch } from "@/components/api";
import { AdminOnly } from "@/components/admin/AdminOnly";
import { useTimeZone } from "@/components/shell/timezone";
import { formatDateTime } from "@/lib/signals/format";
import { DeliverySchema } from "@/lib/notifications/events";

const LogSchema = z.object({ channels: z.array(z.object({ id: z.string(), kind: z.string(), name: z.string() })), deliveries: z.array(DeliverySchema) });
const TONE: Record<string, string> = { sent: "text-ok", pending: "text-warn", rejected: "text-critical", failed: "text-critical" };

function Log() {
  const [tz] = useTimeZone();
  const { data, error } = useQuery({ queryKey: ["admin", "notifications"], queryFn: ({ signal }) => apiFetch("/api/v1/admin/notifications?limit=200", { signal, schema: LogSchema }), refetchInterval: 10_000 });
  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-5 px-6 py-5">
      <h1 className="text-2xl font-bold">Notifications</h1>
      {error && <p role="alert" className="text-critical">Could not load the delivery log: {error.message}</p>}
      {data && (
        <p className="text-sm text-muted">
          Channels: {data.channels.length ? data.channels.map((c) => `${c.name} (${c.kind})`).join(", ") : "none configured (README “Notifications”)"}
        </p>
      )}
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Delivery log, newest first</caption>
        <thead className="text-xs uppercase tracking-wide text-muted">
          <tr>
            <th className="py-2 pr-4">Created</th>
            <th className="py-2 pr-4">Event</th>
            <th className="py-2 pr-4">Channel</th>
            <th className="py-2 pr-4">Outcome</th>
            <th className="py-2 pr-4">Attempts</th>
            <th className="py-2 pr-4">Last answer</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {data?.deliveries.map((d) => (
            <tr key={d.id}>
              <td className="py-2 pr-4 whitespace-nowrap text-muted">{formatDateTime(d.createdAt, tz)}</td>
              <td className="py-2 pr-4">
                <span className="font-mono text-xs">{d.eventType}</span>
                <span className="block max-w-xl truncate text-muted">{d.summary}</span>
              </td>
              <td className="py-2 pr-4">{d.channel}</td>
              <td className={clsx("py-2 pr-4 font-semibold", TONE[d.state])}>{d.state}{d.state === "pending" && d.nextAt ? ` · next ${formatDateTime(d.nextAt, tz)}` : ""}</td>
              <td className="py-2 pr-4">{d.attempts}</td>
              <td className="py-2 pr-4 text-muted">{d.lastError ?? (d.lastStatus !== null ? `HTTP ${d.lastStatus}` : "—")}</td>
            </tr>
          ))}
          {data && data.deliveries.length === 0 && (
            <tr>
              <td colSpan={6} className="py-6 text-center text-faint">Nothing sent yet.</td>
            </tr>
          )}
        </tbody>
      </table>
    </main>
  );
}

/** `/admin/notifications`: the outbox's delivery log (admins). */
export function NotificationLog() {
  return (
    <AdminOnly what="Notification deliveries">
      <Log />
    </AdminOnly>
  );
}
