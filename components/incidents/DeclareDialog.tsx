"use client";

import { useEffect, useId, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import Link from "next/link";
import { useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { Siren } from "lucide-react";
import { ApiError, detailLines } from "@/components/api";
import { useServices } from "@/components/service/useService";
import { patchLists } from "./api";
import { useCan } from "@/components/auth/useCan";
import { ReadOnlyNote, denied } from "@/components/auth/Gate";
import { useIncidentUi } from "./IncidentUi";
import { SEVERITY_HINT, SEVERITY_UI } from "./meta";
import { Modal } from "./Modal";
import { SEVERITIES, type Incident, type IncidentSeverity } from "./types";
import { useTimeZone } from "@/components/shell/timezone";
import { useLiveClient } from "@/components/live/LiveProvider";
import { ImpactStartField, useIncidentDraft } from "./ImpactStartField";
import { parseTimeInput, toInput } from "./time";

/** `alertId`: declared from that alert; the server derives impact start, detection and drill from it. */
export type DeclarePrefill = { title?: string; severity?: IncidentSeverity; services?: string[]; alertId?: string };

const field =
  "w-full rounded-md border border-line bg-bg px-3 py-2 text-sm text-fg placeholder:text-faint focus:border-chart-1 focus:outline-none";
const labelCls = "mb-1.5 block text-xs font-semibold tracking-wide text-muted uppercase";

/**
 * Declares an incident. The server validates; its message and details are shown as sent.
 * Severity has no default on purpose: the person declaring makes the call.
 */
export function DeclareDialog({ prefill, onClose }: { prefill: DeclarePrefill; onClose: () => void }) {
  const id = useId();
  const router = useRouter();
  const qc = useQueryClient();
  const { write } = useIncidentUi();
  const perm = useCan()("incident.declare");
  const services = useServices();
  const [title, setTitle] = useState(prefill.title ?? "");
  const [severity, setSeverity] = useState<IncidentSeverity | null>(prefill.severity ?? null);
  const [chosen, setChosen] = useState<string[]>(prefill.services ?? []);
  const [drill, setDrill] = useState(false);
  const [tz] = useTimeZone();
  const client = useLiveClient();
  const draft = useIncidentDraft(prefill.alertId);
  const [startText, setStartText] = useState("");
  // Pre-filled once the server's draft arrives, unless the person already typed.
  const [touched, setTouched] = useState({ start: false, drill: false });
  useEffect(() => {
    if (!draft.data) return;
    if (!touched.start) setStartText(toInput(draft.data.startedAt, tz));
    if (!touched.drill) setDrill(draft.data.drill);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the draft arrives or the zone changes
  }, [draft.data, tz]);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<{ message: string; lines: string[] } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pending || !perm.allowed) return;
    if (!severity) {
      setError({ message: "Choose a severity. " + SEVERITY_HINT, lines: [] });
      return;
    }
    const startedAt = startText.trim() === "" ? undefined : parseTimeInput(startText, tz, client?.serverNow() ?? Date.now());
    if (startedAt === null) {
      setError({ message: `Cannot read the impact start “${startText}”: use HH:MM, HH:MM:SS or YYYY-MM-DD HH:MM:SS (${tz === "utc" ? "UTC" : "local time"}).`, lines: [] });
      return;
    }
    setPending(true);
    setError(null);
    try {
      const body = { title: title.trim(), severity, services: chosen, drill, ...(startedAt !== undefined ? { startedAt } : {}), ...(prefill.alertId ? { alertId: prefill.alertId } : {}) };
      const r = await write<{ incident: Incident }>("/api/v1/incidents", "POST", body);
      patchLists(qc, r.incident);
      onClose();
      router.push(`/incidents/${encodeURIComponent(r.incident.id)}`);
    } catch (err) {
      setError(
        err instanceof ApiError
          ? { message: err.message, lines: detailLines(err.details) }
          : { message: err instanceof Error ? err.message : "Declaring failed", lines: [] },
      );
      setPending(false);
    }
  };

  const toggle = (s: string) => setChosen((c) => (c.includes(s) ? c.filter((x) => x !== s) : [...c, s]));
  const known = services.data ?? [];
  // A pre-filled service the list does not know yet still shows, so the user sees what is sent.
  const options = [...known.map((s) => ({ id: s.id, name: s.name })), ...chosen.filter((c) => !known.some((s) => s.id === c)).map((c) => ({ id: c, name: c }))];

  return (
    <Modal labelledBy={`${id}-title`} onClose={onClose} className="max-w-2xl">
      <form noValidate onSubmit={submit} className="flex flex-col gap-5">
        <h2 id={`${id}-title`} className="flex items-center gap-2 text-xl font-semibold">
          <Siren aria-hidden className="size-5 text-critical" strokeWidth={2.25} />
          Declare incident
        </h2>

        <div>
          <label htmlFor={`${id}-t`} className={labelCls}>
            Title
          </label>
          <input
            id={`${id}-t`}
            autoFocus
            className={field}
            value={title}
            maxLength={200}
            onChange={(e) => setTitle(e.target.value)}
            placeholder="What is broken, for whom? e.g. Checkout failing for EU customers"
          />
        </div>

        <div>
          <div id={`${id}-sev`} className={labelCls}>
            Severity
          </div>
          <p id={`${id}-sev-hint`} className="mb-2 text-sm text-warn">
            {SEVERITY_HINT}
          </p>
          <div role="radiogroup" aria-labelledby={`${id}-sev`} aria-describedby={`${id}-sev-hint`} className="grid gap-2 sm:grid-cols-2">
            {SEVERITIES.map((s) => {
              const ui = SEVERITY_UI[s];
              const on = severity === s;
              return (
                <label
                  key={s}
                  className={clsx(
                    "flex cursor-pointer items-start gap-3 rounded-lg border border-l-4 px-3 py-2.5 transition-colors",
                    ui.accent,
                    on ? "border-chart-1 bg-chart-1/8" : "border-line bg-surface hover:border-muted",
                  )}
                >
                  <input
                    type="radio"
                    name={`${id}-severity`}
                    value={s}
                    checked={on}
                    onChange={() => setSeverity(s)}
                    className="mt-1 accent-(--color-chart-1)"
                  />
                  <span className="min-w-0">
                    <span className="block text-sm font-bold">
                      {ui.label} <span className="font-semibold text-muted">{ui.name}</span>
                    </span>
                    <span className="block text-xs text-muted">{ui.meaning}</span>
                  </span>
                </label>
              );
            })}
          </div>
        </div>

        <fieldset>
          <legend className={labelCls}>Services</legend>
          {services.isLoading && <p className="text-sm text-muted">Loading services…</p>}
          <div className="flex flex-wrap gap-2">
            {options.map((s) => {
              const on = chosen.includes(s.id);
              return (
                <label
                  key={s.id}
                  className={clsx(
                    "inline-flex cursor-pointer items-center gap-2 rounded-md border px-3 py-1.5 text-sm",
                    on ? "border-chart-1 bg-chart-1/10 text-fg" : "border-line text-muted hover:border-muted hover:text-fg",
                  )}
                >
                  <input type="checkbox" checked={on} onChange={() => toggle(s.id)} className="accent-(--color-chart-1)" />
                  {s.name}
                </label>
              );
            })}
          </div>
        </fieldset>

        <ImpactStartField
          id={id}
          value={startText}
          onChange={(v) => {
            setStartText(v);
            setTouched((t) => ({ ...t, start: true }));
          }}
          draft={draft.data}
          tz={tz}
          labelCls={labelCls}
          fieldCls={field}
        />
        {draft.isError && <p className="text-xs text-warn">The alert is no longer known to the server; declaring from it will be refused.</p>}
        {draft.data?.attachedTo && (
          <p role="status" className="rounded-md border border-warn/50 bg-warn/10 px-3 py-2 text-sm text-warn">
            This alert is already attached to{" "}
            <Link href={`/incidents/${encodeURIComponent(draft.data.attachedTo.id)}`} onClick={onClose} className="font-semibold underline">
              INC-{draft.data.attachedTo.number} {draft.data.attachedTo.title}
            </Link>
            , which is still open: work there instead of declaring a second incident.
          </p>
        )}

        <label className="flex items-start gap-3 rounded-lg border border-line bg-surface px-3 py-2.5">
          <input
            type="checkbox"
            checked={drill}
            onChange={(e) => {
              setDrill(e.target.checked);
              setTouched((t) => ({ ...t, drill: true }));
            }} className="mt-1 accent-(--color-drill)" aria-describedby={`${id}-drill-hint`} />
          <span>
            <span className="block text-sm font-semibold">Drill</span>
            <span id={`${id}-drill-hint`} className="block text-xs text-muted">
              Practice only: marked DRILL everywhere and kept apart from real incident figures.
              {draft.data?.drillReason && <span className="mt-0.5 block text-drill">Ticked from the alert: {draft.data.drillReason}.</span>}
            </span>
          </span>
        </label>

        {error && (
          <div role="alert" className="rounded-md border border-critical/50 bg-critical/10 px-3 py-2 text-sm text-critical">
            <p className="font-semibold">{error.message}</p>
            {error.lines.length > 0 && (
              <ul className="mt-1 list-disc pl-5">
                {error.lines.map((l, i) => (
                  <li key={i}>{l}</li>
                ))}
              </ul>
            )}
          </div>
        )}

        <ReadOnlyNote permission={perm} id={`${id}-denied`} />
        <div className="flex justify-end gap-2">
          <button type="button" onClick={onClose} className="rounded-md px-3 py-2 text-sm text-muted hover:bg-surface hover:text-fg">
            Cancel
          </button>
          <button
            type="submit"
            disabled={pending || !perm.allowed}
            {...denied(perm, `${id}-denied`)}
            className="inline-flex items-center gap-2 rounded-md bg-critical px-4 py-2 text-sm font-semibold text-bg hover:bg-critical/90 disabled:opacity-60"
          >
            <Siren aria-hidden className="size-4" />
            {pending ? "Declaring…" : "Declare"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
