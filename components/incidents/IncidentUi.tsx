"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { apiFetch } from "@/components/api";
import { useLiveClient } from "@/components/live/LiveProvider";
import { DeclareDialog, type DeclarePrefill } from "./DeclareDialog";
import { NameDialog } from "./NameDialog";
import { authorHeaders, readName, skipName, skippedName, useDisplayName, writeName } from "./identity";
import { useAuth } from "@/components/auth/useCan";

/** Event the shell's `d` shortcut sends; the provider opens the declare dialog. */
export const DECLARE_EVENT = "war-room:declare";

type Write = <T>(path: string, method: "POST" | "PATCH" | "DELETE", json: unknown, headers?: Record<string, string>) => Promise<T>;

type IncidentUi = {
  name: string | null;
  /** Ask for a name now (top bar) or once per tab when none is set (first visit / first write). */
  askName: (reason: "write" | "visit" | "change") => Promise<string | null>;
  /**
   * An incident write. Local mode: attributed with `X-War-Room-User`, asking for the name first
   * if there is none. OIDC mode: the server attributes it to the signed-in user; no prompt.
   */
  write: Write;
  openDeclare: (prefill?: DeclarePrefill) => void;
};

const Ctx = createContext<IncidentUi | null>(null);

export function useIncidentUi(): IncidentUi {
  const v = useContext(Ctx);
  if (!v) throw new Error("useIncidentUi outside IncidentUiProvider");
  return v;
}

type Asking = { reason: "write" | "visit" | "change"; resolve: (name: string | null) => void };

/** Name, presence and the declare dialog for the whole app (mounted once by the shell). */
export function IncidentUiProvider({ children }: { children: ReactNode }) {
  const displayName = useDisplayName();
  const auth = useAuth();
  const signedIn = auth.mode === "oidc";
  const name = signedIn ? (auth.user?.name ?? null) : displayName;
  const nameRef = useRef(name);
  nameRef.current = name;
  const signedInRef = useRef(signedIn);
  signedInRef.current = signedIn;
  const client = useLiveClient();
  const [asking, setAsking] = useState<Asking | null>(null);
  const [declare, setDeclare] = useState<DeclarePrefill | null>(null);
  const askingRef = useRef<Asking | null>(null);

  useEffect(() => {
    client?.identify(name);
  }, [client, name]);

  const askName = useCallback((reason: Asking["reason"]) => {
    if (signedInRef.current) return Promise.resolve(nameRef.current);
    const current = readName();
    if (reason !== "change" && (current || skippedName())) return Promise.resolve(current);
    if (askingRef.current) askingRef.current.resolve(current);
    return new Promise<string | null>((resolve) => {
      const a = { reason, resolve };
      askingRef.current = a;
      setAsking(a);
    });
  }, []);

  const finish = useCallback((value: string | null, skipped: boolean) => {
    const a = askingRef.current;
    askingRef.current = null;
    setAsking(null);
    if (value) writeName(value);
    else if (skipped && a?.reason !== "change") skipName();
    a?.resolve(value ?? readName());
  }, []);

  const write = useCallback<Write>(
    async (path, method, json, headers = {}) => {
      const author = await askName("write");
      return apiFetch(path, { method, json, headers: { ...headers, ...(signedInRef.current ? {} : authorHeaders(author)) } });
    },
    [askName],
  );

  const openDeclare = useCallback((prefill?: DeclarePrefill) => setDeclare(prefill ?? {}), []);

  useEffect(() => {
    const onDeclare = () => setDeclare((d) => d ?? {});
    window.addEventListener(DECLARE_EVENT, onDeclare);
    return () => window.removeEventListener(DECLARE_EVENT, onDeclare);
  }, []);

  const value = useMemo(() => ({ name, askName, write, openDeclare }), [name, askName, write, openDeclare]);

  return (
    <Ctx.Provider value={value}>
      {children}
      {declare && <DeclareDialog prefill={declare} onClose={() => setDeclare(null)} />}
      {asking && !signedIn && (
        <NameDialog
          key={asking.reason}
          initial={name}
          reason={asking.reason}
          onSave={(n) => finish(n, false)}
          onSkip={() => finish(null, true)}
        />
      )}
    </Ctx.Provider>
  );
}
