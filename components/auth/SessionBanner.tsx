"use client";

import { useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { TriangleAlert, X } from "lucide-react";
import { UNAUTHORIZED_EVENT } from "@/components/api";
import type { Me } from "./contract";
import { SignInLink } from "./UserMenu";
import { ME_QUERY_KEY } from "./useMe";

/**
 * OIDC mode: the first 401 from any API call after this page knew a signed-in user says the
 * session ended, once per page (someone who never signed in sees only "Sign in" in the top bar).
 */
export function SessionBanner({ me }: { me: Me | undefined }) {
  const qc = useQueryClient();
  const [state, setState] = useState<"fine" | "ended" | "dismissed">("fine");
  const oidc = me?.mode === "oidc";
  const wasSignedIn = useRef(false);
  useEffect(() => {
    if (me?.user) wasSignedIn.current = true;
  }, [me]);

  useEffect(() => {
    if (!oidc) return;
    const onUnauthorized = () => {
      if (!wasSignedIn.current) return;
      setState((s) => (s === "fine" ? "ended" : s));
      void qc.invalidateQueries({ queryKey: ME_QUERY_KEY });
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, [oidc, qc]);

  if (!oidc || !me || state !== "ended") return null;
  return (
    <div role="alert" className="border-b border-warn/50 bg-warn/10 kiosk:hidden">
      <div className="mx-auto flex max-w-[120rem] items-center gap-3 px-6 py-2 text-sm">
        <TriangleAlert aria-hidden className="size-4 shrink-0 text-warn" />
        <span className="text-fg">Your session ended —</span>
        <SignInLink me={me} className="font-semibold text-chart-1 underline-offset-2 hover:underline">
          Sign in again
        </SignInLink>
        <button type="button" onClick={() => setState("dismissed")} aria-label="Dismiss" className="ml-auto rounded p-1 text-muted hover:text-fg">
          <X aria-hidden className="size-4" />
        </button>
      </div>
    </div>
  );
}
