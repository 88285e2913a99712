"use client";

import { Fragment, useId, useState } from "react";
import clsx from "clsx";
import { ArrowLeft, Check, ChevronRight, Send, Stamp } from "lucide-react";
import { Modal } from "@/components/incidents/Modal";
import { incidentLabel } from "@/components/incidents/meta";
import { isActive, type Incident } from "@/components/incidents/types";
import { useCan } from "@/components/auth/useCan";
import { denied } from "@/components/auth/Gate";
import { STATUS_LABEL, type PostmortemStatus } from "./types";

const STEPS: PostmortemStatus[] = ["draft", "in-review", "published"];

function PublishDialog({ incident, onCancel, onConfirm }: { incident: Incident; onCancel: () => void; onConfirm: () => void }) {
  const id = useId();
  return (
    <Modal labelledBy={`${id}-title`} onClose={onCancel} className="max-w-lg">
      <h2 id={`${id}-title`} className="flex items-center gap-2 text-lg font-semibold">
        <Stamp aria-hidden className="size-5 text-ok" />
        Publish this postmortem?
      </h2>
      <p className="mt-3 text-sm text-fg/90">
        Publishing makes the postmortem read-only and <strong>closes {incidentLabel(incident.number)}</strong>
        {incident.status !== "closed" && <> (now {incident.status})</>}. Everyone on the incident sees it at once.
      </p>
      <div className="mt-5 flex justify-end gap-2">
        <button type="button" onClick={onCancel} className="rounded-md px-3 py-2 text-sm text-muted hover:bg-surface hover:text-fg">
          Cancel
        </button>
        <button type="button" autoFocus onClick={onConfirm} className="rounded-md bg-ok px-4 py-2 text-sm font-semibold text-bg hover:bg-ok/90">
          Publish and close incident
        </button>
      </div>
    </Modal>
  );
}

/** Draft → In review → Published, with the one or two moves that make sense from here. */
export function ReviewBar({
  status,
  incident,
  busy,
  onChange,
}: {
  status: PostmortemStatus;
  incident: Incident;
  busy: boolean;
  onChange: (status: PostmortemStatus) => Promise<boolean>;
}) {
  const [confirming, setConfirming] = useState(false);
  const at = STEPS.indexOf(status);
  const open = isActive(incident);
  const check = useCan();
  const writePerm = check("postmortem.write");
  const publishPerm = check("postmortem.publish");
  const btn = "inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-semibold disabled:opacity-50";

  return (
    <div className="flex flex-wrap items-center gap-x-6 gap-y-2">
      <ol aria-label="Review state" className="flex items-center gap-1.5 text-sm">
        {STEPS.map((s, i) => (
          <Fragment key={s}>
            {i > 0 && <ChevronRight aria-hidden className="size-4 text-faint" />}
            <li
              aria-current={i === at ? "step" : undefined}
              className={clsx(
                "inline-flex items-center gap-1 rounded-full px-2.5 py-0.5",
                i === at ? "bg-chart-1/15 font-semibold text-chart-1 ring-1 ring-chart-1/50 ring-inset" : i < at ? "text-muted" : "text-faint",
              )}
            >
              {i < at && <Check aria-hidden className="size-3.5" />}
              {STATUS_LABEL[s]}
            </li>
          </Fragment>
        ))}
      </ol>
      <div className="flex flex-wrap items-center gap-2">
        {status === "draft" && (
          <button type="button" disabled={busy || !writePerm.allowed} {...denied(writePerm)} onClick={() => void onChange("in-review")} className={clsx(btn, "bg-chart-1 text-bg hover:bg-chart-1/90")}>
            <Send aria-hidden className="size-4" />
            Submit for review
          </button>
        )}
        {status === "in-review" && (
          <>
            <button type="button" disabled={busy || !writePerm.allowed} {...denied(writePerm)} onClick={() => void onChange("draft")} className={clsx(btn, "border border-line font-medium text-muted hover:border-muted hover:text-fg")}>
              <ArrowLeft aria-hidden className="size-4" />
              Back to draft
            </button>
            <button
              type="button"
              disabled={busy || open || !publishPerm.allowed}
              aria-disabled={publishPerm.allowed ? undefined : true}
              onClick={() => setConfirming(true)}
              title={publishPerm.reason ?? (open ? "Resolve the incident first: publishing closes it" : "Publish: read-only from then on, and the incident is closed")}
              className={clsx(btn, "bg-ok text-bg hover:bg-ok/90")}
            >
              <Stamp aria-hidden className="size-4" />
              Publish
            </button>
            {!publishPerm.allowed && <span className="text-xs text-warn">{publishPerm.reason}</span>}
            {open && publishPerm.allowed && <span className="text-xs text-warn">Resolve {incidentLabel(incident.number)} before publishing: publishing closes it.</span>}
          </>
        )}
      </div>
      {confirming && (
        <PublishDialog
          incident={incident}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void onChange("published");
          }}
        />
      )}
    </div>
  );
}
