"use client";

import { memo, useId, useMemo, useState, type FormEvent } from "react";
import { FlaskConical } from "lucide-react";
import { DRILL_DEFAULT_MAGNITUDE, DRILL_KINDS, DRILL_META, drillKindLabel, type DrillKind, type StartDrillInput } from "@/lib/drills/types";
import type { ServiceInfo } from "@/lib/signals/contract";
import { ApiError, detailLines } from "@/components/api";
import { useStartDrill } from "./api";
import { useCan } from "@/components/auth/useCan";
import { ReadOnlyNote, denied } from "@/components/auth/Gate";

const field =
  "w-full rounded-md border border-line bg-bg px-3 py-2 text-sm text-fg placeholder:text-faint focus:border-chart-1 focus:outline-none";
const labelCls = "mb-1 block text-xs font-semibold tracking-wide text-muted uppercase";

const num = (s: string): number | undefined => (s.trim() === "" ? undefined : Number(s));

/**
 * Starts a game-day drill. Input is checked by the server, not here: its message is
 * the one source of truth for what is allowed, and it is shown as sent.
 */
export const DrillLauncher = memo(function DrillLauncher({ services: all }: { services: ServiceInfo[] }) {
  const id = useId();
  // Drills inject faults into the simulator: only simulator-fed services can be targets (lib/drills/service.ts).
  const services = useMemo(() => all.filter((s) => (s.source ?? "simulator") === "simulator"), [all]);
  const start = useStartDrill();
  const perm = useCan()("drill.start");
  const [kind, setKind] = useState<DrillKind>("latency");
  const [target, setTarget] = useState("");
  const [duration, setDuration] = useState("300");
  const [magnitude, setMagnitude] = useState(String(DRILL_DEFAULT_MAGNITUDE.latency));
  const [note, setNote] = useState("");
  const meta = DRILL_META[kind];
  const chosenTarget = target || services[0]?.id || "";

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!perm.allowed) return;
    const input: StartDrillInput = {
      kind,
      target: chosenTarget,
      durationSeconds: num(duration) as number,
      magnitude: num(magnitude),
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    start.mutate(input);
  };

  const err = start.error;
  const lines = err instanceof ApiError ? detailLines(err.details) : [];

  return (
    <section aria-labelledby={`${id}-title`} className="rounded-xl border border-line bg-surface p-5 kiosk:hidden">
      <h2 id={`${id}-title`} className="mb-1 flex items-center gap-2 text-base font-semibold">
        <FlaskConical aria-hidden className="size-4 text-drill" />
        Start a drill
      </h2>
      <p className="mb-4 text-sm text-muted">
        Inject a fault into a simulated service to practise the response. Drills are flagged as drills everywhere.
      </p>
      <form noValidate onSubmit={submit} className="grid grid-cols-2 items-end gap-4 md:grid-cols-3 xl:grid-cols-[1.3fr_1.3fr_0.8fr_1fr_1.6fr_auto]">
        <div>
          <label htmlFor={`${id}-kind`} className={labelCls}>
            Kind
          </label>
          <select
            id={`${id}-kind`}
            className={field}
            value={kind}
            onChange={(e) => {
              const k = e.target.value as DrillKind;
              setKind(k);
              setMagnitude(String(DRILL_DEFAULT_MAGNITUDE[k]));
            }}
          >
            {DRILL_KINDS.map((k) => (
              <option key={k} value={k}>
                {DRILL_META[k].label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-target`} className={labelCls}>
            Target
          </label>
          <select id={`${id}-target`} className={field} value={chosenTarget} onChange={(e) => setTarget(e.target.value)}>
            {services.length === 0 && <option value="">{all.length === 0 ? "No services yet" : "No simulated services"}</option>}
            {services.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-duration`} className={labelCls}>
            Duration (s)
          </label>
          <input
            id={`${id}-duration`}
            className={`${field} num`}
            type="number"
            inputMode="numeric"
            min={10}
            max={21600}
            step={1}
            value={duration}
            onChange={(e) => setDuration(e.target.value)}
            aria-describedby={`${id}-duration-hint`}
          />
          <span id={`${id}-duration-hint`} className="sr-only">
            10 to 21600 seconds
          </span>
        </div>
        <div>
          <label htmlFor={`${id}-magnitude`} className={labelCls}>
            Magnitude
          </label>
          <input
            id={`${id}-magnitude`}
            className={`${field} num`}
            type="number"
            inputMode="decimal"
            min={meta.min}
            max={meta.max}
            step="any"
            value={magnitude}
            placeholder={String(DRILL_DEFAULT_MAGNITUDE[kind])}
            onChange={(e) => setMagnitude(e.target.value)}
            aria-describedby={`${id}-magnitude-hint`}
          />
          <span id={`${id}-magnitude-hint`} className="mt-1 block text-xs text-faint">
            {meta.magnitudeLabel}, {meta.min}–{meta.max}
          </span>
        </div>
        <div>
          <label htmlFor={`${id}-note`} className={labelCls}>
            Note (optional)
          </label>
          <input
            id={`${id}-note`}
            className={field}
            value={note}
            maxLength={2000}
            onChange={(e) => setNote(e.target.value)}
            placeholder="e.g. game day: checkout latency"
          />
        </div>
        <button
          type="submit"
          disabled={start.isPending || !chosenTarget || !perm.allowed}
          {...denied(perm, `${id}-denied`)}
          className="inline-flex h-[2.375rem] items-center justify-center gap-2 rounded-md bg-drill px-4 text-sm font-semibold text-bg hover:bg-drill/90 disabled:opacity-50"
        >
          <FlaskConical aria-hidden className="size-4" />
          {start.isPending ? "Starting…" : "Start drill"}
        </button>
      </form>
      <ReadOnlyNote permission={perm} id={`${id}-denied`} className="mt-3" />
      {err && (
        <div role="alert" className="mt-4 rounded-md border border-critical/50 bg-critical/10 px-4 py-3 text-sm">
          <p className="font-semibold text-critical">
            Drill not started: {err.message}
            {err instanceof ApiError && err.status > 0 && <span className="font-normal text-muted"> (HTTP {err.status})</span>}
          </p>
          {lines.length > 0 && (
            <ul className="mt-1 list-disc pl-5 text-fg">
              {lines.map((l, i) => (
                <li key={i}>{l}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {start.isSuccess && !err && (
        <p role="status" className="mt-4 text-sm text-drill">
          Drill started: {drillKindLabel(start.data.drill.kind)} on{" "}
          {services.find((s) => s.id === start.data.drill.target)?.name ?? start.data.drill.target}.
        </p>
      )}
    </section>
  );
});
