"use client";

import { useState, type ReactNode } from "react";
import { usePathname, useSearchParams } from "next/navigation";
import { LogIn, LogOut, UserRound } from "lucide-react";
import clsx from "clsx";
import type { Me, Role } from "./contract";

const ROLE_TONE: Record<Role, string> = {
  viewer: "bg-stale/15 text-stale ring-stale/40",
  responder: "bg-chart-1/15 text-chart-1 ring-chart-1/40",
  admin: "bg-warn/15 text-warn ring-warn/40",
};

export function RoleBadge({ role }: { role: Role }) {
  return <span className={clsx("rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset", ROLE_TONE[role])}>{role}</span>;
}

/** The sign-in link back to where the user is now (`returnTo` is a path on this origin). */
export function signInHref(me: Pick<Me, "signInUrl">, path: string): string {
  return `${me.signInUrl}?returnTo=${encodeURIComponent(path)}`;
}

function useCurrentPath(): string {
  const pathname = usePathname();
  const params = useSearchParams();
  const q = params.toString();
  return q ? `${pathname}?${q}` : pathname;
}

export function SignInLink({ me, className, children }: { me: Me; className?: string; children: ReactNode }) {
  const path = useCurrentPath();
  return (
    <a href={signInHref(me, path)} className={className}>
      {children}
    </a>
  );
}

async function signOut(url: string): Promise<void> {
  await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  window.location.assign("/");
}

/** OIDC mode: who is signed in, their role and "Sign out"; or "Sign in". */
export function UserMenu({ me }: { me: Me }) {
  const [leaving, setLeaving] = useState(false);
  const [failed, setFailed] = useState(false);
  if (!me.user) {
    return (
      <SignInLink
        me={me}
        className="inline-flex items-center gap-1.5 rounded-md bg-chart-1 px-3 py-1 whitespace-nowrap text-sm font-semibold text-bg hover:bg-chart-1/90 kiosk:hidden"
      >
        <LogIn aria-hidden className="size-4" />
        Sign in
      </SignInLink>
    );
  }
  const user = me.user;
  return (
    <div className="flex items-center gap-2 kiosk:hidden" aria-label="Signed in user" role="group">
      <span className="inline-flex max-w-44 items-center gap-1.5 text-sm whitespace-nowrap text-fg 2xl:max-w-64" title={user.email ?? undefined}>
        <UserRound aria-hidden className="size-4 shrink-0 text-muted" />
        <span className="truncate">{user.name}</span>
      </span>
      <RoleBadge role={user.role} />
      <button
        type="button"
        disabled={leaving}
        onClick={() => {
          setLeaving(true);
          setFailed(false);
          signOut(me.signOutUrl).catch(() => {
            setLeaving(false);
            setFailed(true);
          });
        }}
        title={failed ? "Signing out failed — try again" : "Sign out of War Room"}
        className="inline-flex items-center gap-1 rounded-md border border-line px-2 py-1 text-sm whitespace-nowrap text-muted hover:border-muted hover:text-fg disabled:opacity-50"
      >
        <LogOut aria-hidden className="size-4" />
        {leaving ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}
