"use client";

import { useId, useState, type FormEvent } from "react";
import { BellOff } from "lucide-react";
import { Modal } from "@/components/incidents/Modal";
import type { Alert } from "@/lib/alerts/model";
import { useCreateSilence } from "./actions";

const DURATIONS = [
  { minutes: 15, label: "15 minutes" },
  { minutes: 60, label: "1 hour" },
  { minutes: 240, label: "4 hours" },
  { minutes: 1440, label: "24 hours" },
];

const field = "w-full rounded-md border border-line bg-bg px-3 py-2 text-sm text-fg placeholder:text-faint focus:border-chart-1 focus:outline-none";
const labelCls = "mb-1 block text-xs font-semibold tracking-wide text-muted uppercase";

/** The matchers a silence of this alert's group starts with: its rule and its service (every tier). */
export function defaultMatchers(a: Alert): string[] {
  const rule = a.kind === "burn-rate" && a.labels.slo ? `slo="${a.labels.slo}"` : `alertname="${a.name}"`;
  return [rule, `service="${a.service}"`];
}

/** Silence form: Alertmanager matchers (one a line), how long, why. The server checks the matchers. */
export function SilenceDialog({ alert, onClose }: { alert: Alert; onClose: () => void }) {
  const id = useId();
  const [matchers, setMatchers] = useState(defaultMatchers(alert).join("\n"));
  const [minutes, setMinutes] = useState(60);
  const [reason, setReason] = useState("");
  const create = useCreateSilence();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const list = matchers.split("\n").map((m) => m.trim()).filter(Boolean);
    create.mutate({ matchers: list, durationMinutes: minutes, reason: reason.trim() }, { onSuccess: onClose });
  };

  return (
    <Modal labelledBy={`${id}-title`} onClose={onClose} className="max-w-lg">
      <form onSubmit={submit} className="flex flex-col gap-4" aria-label="Silence alerts">
        <h2 id={`${id}-title`} className="flex items-center gap-2 text-lg font-semibold">
          <BellOff aria-hidden className="size-5 text-muted" /> Silence alerts
        </h2>
        <p className="text-sm text-muted">
          Silenced alerts stay listed, marked, but do not count as firing and are not notified. The silence ends by itself.
        </p>
        <div>
          <label htmlFor={`${id}-matchers`} className={labelCls}>
            Matchers (one a line)
          </label>
          <textarea id={`${id}-matchers`} rows={3} value={matchers} onChange={(e) => setMatchers(e.target.value)} className={`${field} font-mono`} spellCheck={false} />
          <p className="mt-1 text-xs text-muted">
            <code>label=value</code>, <code>label!=value</code>, <code>label=~regex</code>, <code>label!~regex</code> over alertname, service, severity, tier and the alert&apos;s labels. A regex matches the whole value.
          </p>
        </div>
        <div className="grid grid-cols-[10rem_1fr] gap-3">
          <div>
            <label htmlFor={`${id}-duration`} className={labelCls}>
              For
            </label>
            <select id={`${id}-duration`} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} className={field}>
              {DURATIONS.map((d) => (
                <option key={d.minutes} value={d.minutes}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`${id}-reason`} className={labelCls}>
              Reason
            </label>
            <input id={`${id}-reason`} required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. known issue, fix deploying" className={field} autoFocus />
          </div>
        </div>
        {create.isError && (
          <p role="alert" className="text-sm text-critical">
            Not silenced: {create.error.message}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button type="button" onClick={onClose} className="rounded-md px-3 py-2 text-sm text-muted hover:bg-surface hover:text-fg">
            Cancel
          </button>
          <button type="submit" disabled={create.isPending || reason.trim() === ""} className="rounded-md bg-chart-1 px-4 py-2 text-sm font-semibold text-bg hover:bg-chart-1/90 disabled:opacity-50">
            Silence
          </button>
        </div>
      </form>
    </Modal>
  );
}
