"use client";

import { memo, useState, type FormEvent } from "react";
import { X } from "lucide-react";
import { ConflictNotice } from "./ConflictNotice";
import { useIncidentUi } from "./IncidentUi";
import { ROLE_UI } from "./meta";
import { usePatch } from "./usePatch";
import { useCan, type Permission } from "@/components/auth/useCan";
import { ReadOnlyNote, denied } from "@/components/auth/Gate";
import { ROLES, type Incident, type IncidentRole, type RoleHolder } from "./types";

function AssignForm({ role, onAssign, pending, perm, noteId }: { role: IncidentRole; onAssign: (name: string) => void; pending: boolean; perm: Permission; noteId: string }) {
  const { name: me } = useIncidentUi();
  const [name, setName] = useState("");
  const label = ROLE_UI[role].label;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || !perm.allowed) return;
    onAssign(name.trim());
    setName("");
  };
  return (
    <form onSubmit={submit} className="flex gap-1.5 kiosk:hidden">
      <input
        aria-label={`Name to assign as ${label}`}
        value={name}
        disabled={!perm.allowed}
        {...denied(perm, noteId)}
        maxLength={100}
        onChange={(e) => setName(e.target.value)}
        placeholder="Name"
        className="min-w-0 flex-1 rounded-md border border-line bg-bg px-2 py-1 text-sm placeholder:text-faint focus:border-chart-1 focus:outline-none"
      />
      <button type="submit" disabled={pending || !name.trim() || !perm.allowed} {...denied(perm, noteId)} className="rounded-md border border-line px-2 py-1 text-xs font-semibold text-muted hover:text-fg disabled:opacity-50">
        Assign
      </button>
      {me && (
        <button
          type="button"
          disabled={pending || !perm.allowed}
          {...denied(perm, noteId)}
          onClick={() => onAssign(me)}
          aria-label={`Assign ${label} to me`}
          className="rounded-md border border-line px-2 py-1 text-xs font-semibold text-muted hover:text-fg disabled:opacity-50"
        >
          Me
        </button>
      )}
    </form>
  );
}

type RoleOp = { assign: RoleHolder } | { remove: RoleHolder };

function applyOp(roles: RoleHolder[], op: RoleOp): RoleHolder[] {
  if ("remove" in op) return roles.filter((r) => !(r.role === op.remove.role && r.name === op.remove.name));
  const { role, name } = op.assign;
  const others = ROLE_UI[role].single ? roles.filter((r) => r.role !== role) : roles.filter((r) => !(r.role === role && r.name === name));
  return [...others, { role, name }];
}

function describeOp(op: RoleOp): string {
  return "remove" in op ? `remove ${op.remove.name} as ${ROLE_UI[op.remove.role].label}` : `${op.assign.name} as ${ROLE_UI[op.assign.role].label}`;
}

/** Role holders with their instruction; role changes are PATCHes of the whole list (versioned). */
export const RolesPanel = memo(function RolesPanel({ incident }: { incident: Incident }) {
  const { patch, conflict, error, pending, dismiss } = usePatch("incident", `/api/v1/incidents/${encodeURIComponent(incident.id)}`);
  const perm = useCan()("incident.roles");
  const noteId = `roles-${incident.id}-denied`;

  const [last, setLast] = useState<RoleOp | null>(null);
  const run = (op: RoleOp, base: Incident) => {
    setLast(op);
    void patch(base.version, { roles: applyOp(base.roles, op) });
  };

  return (
    <section aria-label="Roles" className="rounded-xl border border-line bg-surface p-4">
      <h2 className="mb-3 text-sm font-semibold tracking-wide text-muted uppercase">Roles</h2>
      <ReadOnlyNote permission={perm} id={noteId} className="mb-3 kiosk:hidden" />
      {conflict && (
        <div className="mb-3">
          <ConflictNotice
            current={conflict.current ? conflict.current.roles.map((r) => `${ROLE_UI[r.role]?.label ?? r.role}: ${r.name}`).join("; ") || "no roles assigned" : "unknown"}
            mine={last ? describeOp(last) : "role change"}
            pending={pending}
            onRetry={() => last && run(last, conflict.current ?? incident)}
            onDismiss={dismiss}
          />
        </div>
      )}
      {error && (
        <p role="alert" className="mb-2 text-sm text-critical">
          Not saved: {error}
        </p>
      )}
      <ul className="flex flex-col gap-3">
        {ROLES.map((role) => {
          const holders = incident.roles.filter((r) => r.role === role);
          const ui = ROLE_UI[role];
          return (
            <li key={role} className="rounded-lg border border-line/70 bg-surface-2 px-3 py-2">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <span className="text-sm font-semibold">{ui.label}</span>
                <span className="flex flex-wrap gap-1.5">
                  {holders.length === 0 ? (
                    <span className="text-sm text-warn">unassigned</span>
                  ) : (
                    holders.map((h) => (
                      <span key={h.name} className="inline-flex items-center gap-1 rounded-full bg-chart-1/12 py-0.5 pr-1 pl-2.5 text-sm font-semibold text-chart-1">
                        {h.name}
                        <button
                          type="button"
                          disabled={pending || !perm.allowed}
                          {...denied(perm, noteId)}
                          onClick={() => run({ remove: h }, incident)}
                          aria-label={`Remove ${h.name} as ${ui.label}`}
                          className="rounded-full p-0.5 text-chart-1/70 hover:bg-chart-1/20 hover:text-chart-1 kiosk:hidden"
                        >
                          <X aria-hidden className="size-3" />
                        </button>
                      </span>
                    ))
                  )}
                </span>
              </div>
              <p className="mt-0.5 mb-2 text-xs text-muted">{ui.instruction}</p>
              <AssignForm role={role} pending={pending} perm={perm} noteId={noteId} onAssign={(name) => run({ assign: { role, name } }, incident)} />
            </li>
          );
        })}
      </ul>
    </section>
  );
});
