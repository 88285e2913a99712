"use client";

import { useId } from "react";
import { Siren } from "lucide-react";
import { Modal } from "./Modal";
import type { FiringConfirm } from "./usePatch";

/** "Resolve anyway?" for a SEV1 whose alerts still fire (the server refused with 409 until confirmed). */
export function ResolveConfirm({ confirm, pending, onConfirm, onCancel }: { confirm: FiringConfirm; pending: boolean; onConfirm: () => void; onCancel: () => void }) {
  const id = useId();
  return (
    <Modal labelledBy={`${id}-title`} onClose={onCancel} className="max-w-lg">
      <div className="flex flex-col gap-4">
        <h2 id={`${id}-title`} className="flex items-center gap-2 text-lg font-semibold">
          <Siren aria-hidden className="size-5 text-critical" /> Alerts are still firing
        </h2>
        <p className="text-sm text-muted">This is a SEV1 and these alerts of its services have not resolved. Resolve the incident anyway?</p>
        <ul className="flex flex-col gap-1 text-sm">
          {confirm.firing.map((a) => (
            <li key={a.id} className="rounded-md border border-critical/40 bg-critical/8 px-3 py-1.5">
              <span className="font-semibold text-fg">{a.name}</span> <span className="text-muted">on {a.service}</span>
            </li>
          ))}
        </ul>
        <div className="flex justify-end gap-2">
          <button type="button" onClick={onCancel} autoFocus className="rounded-md px-3 py-2 text-sm text-muted hover:bg-surface hover:text-fg">
            Keep it open
          </button>
          <button type="button" disabled={pending} onClick={onConfirm} className="rounded-md bg-critical px-4 py-2 text-sm font-semibold text-bg hover:bg-critical/90 disabled:opacity-50">
            Resolve anyway
          </button>
        </div>
      </div>
    </Modal>
  );
}
