"use client";

import type { ReactNode } from "react";
import { ShieldAlert } from "lucide-react";
import { useMe } from "@/components/auth/useMe";
import { useAuth } from "@/components/auth/useCan";
import { can } from "@/components/auth/can";
import { SignInLink } from "@/components/auth/UserMenu";

/** Renders `children` for admins; a clear "Admins only" (or "Sign in") for everyone else. */
export function AdminOnly({ what, children }: { what: string; children: ReactNode }) {
  const me = useMe();
  const { role } = useAuth();
  if (me.isPending) return <main className="px-6 py-16 text-center text-muted">Loading…</main>;
  if (me.isError) {
    return (
      <main className="mx-auto max-w-3xl px-6 py-16">
        <p role="alert" className="rounded-md border border-critical/50 bg-critical/10 px-4 py-3 text-sm text-critical">
          Could not tell who you are: {me.error.message}
        </p>
      </main>
    );
  }
  if (can(role, "tokens.manage")) return <>{children}</>;
  return (
    <main className="mx-auto max-w-xl px-6 py-24 text-center">
      <ShieldAlert aria-hidden className="mx-auto size-10 text-warn" />
      <h1 className="mt-4 text-2xl font-bold">Admins only</h1>
      {role ? (
        <p className="mt-3 text-muted">
          {what} are for admins. You are signed in as a <strong className="text-fg">{role}</strong>; ask an admin if you need access.
        </p>
      ) : (
        <p className="mt-3 text-muted">
          {what} are for admins.{" "}
          {me.data && (
            <SignInLink me={me.data} className="font-semibold text-chart-1 hover:underline">
              Sign in
            </SignInLink>
          )}
        </p>
      )}
    </main>
  );
}
