"use client";

import clsx from "clsx";
import { Lock } from "lucide-react";
import type { Permission } from "./useCan";

/**
 * Props that mark a write control as not allowed: disabled (not hidden), with the reason as
 * its title and, when `describedBy` names a ReadOnlyNote, as its accessible description.
 */
export function denied(p: Permission, describedBy?: string): { "aria-disabled"?: true; title?: string; "aria-describedby"?: string } {
  if (p.allowed) return {};
  return { "aria-disabled": true, title: p.reason ?? undefined, "aria-describedby": describedBy };
}

/** The visible reason near a form or a group of controls the user may not use. */
export function ReadOnlyNote({ permission, id, className }: { permission: Permission; id?: string; className?: string }) {
  if (permission.allowed) return null;
  return (
    <p id={id} className={clsx("flex items-center gap-1.5 text-xs text-warn", className)}>
      <Lock aria-hidden className="size-3.5 shrink-0" />
      {permission.reason}
    </p>
  );
}
