"use client";

import { useEffect, useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";

async function post(path: string, body: unknown): Promise<{ ok: boolean; message: string }> {
  try {
    const r = await fetch(path, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) });
    const j = (await r.json().catch(() => null)) as { error?: { message?: string } } | null;
    return { ok: r.ok, message: j?.error?.message ?? `HTTP ${r.status}` };
  } catch {
    return { ok: false, message: "The server cannot be reached." };
  }
}

/** The link an e-mail brought: `?confirm=` or `?unsubscribe=` with its token (acted on only when the button is pressed). */
function useLinkAction(): { kind: "confirm" | "unsubscribe"; token: string } | null {
  const [action, setAction] = useState<{ kind: "confirm" | "unsubscribe"; token: string } | null>(null);
  useEffect(() => {
    const q = new URLSearchParams(window.location.search);
    const confirm = q.get("confirm");
    const unsub = q.get("unsubscribe");
    if (confirm) setAction({ kind: "confirm", token: confirm });
    else if (unsub) setAction({ kind: "unsubscribe", token: unsub });
  }, []);
  return action;
}

/** Subscribe by e-mail (double opt-in), and the confirm / unsubscribe step an e-mail link leads to. */
export function Subscribe() {
  const enabled = useQuery({ queryKey: ["status", "subscriptions"], queryFn: async () => ((await (await fetch("/api/v2/subscriptions")).json()) as { enabled: boolean }).enabled });
  const action = useLinkAction();
  const [email, setEmail] = useState("");
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  if (!enabled.data) return null;
  const act = async () => {
    if (!action) return;
    const r = await post(`/api/v2/subscriptions/${action.kind}`, { token: action.token });
    setResult(r.ok ? { ok: true, message: action.kind === "confirm" ? "Subscribed: you will get an e-mail with every update." : "Unsubscribed: no more e-mail." } : r);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await post("/api/v2/subscriptions", { email });
    setResult(r.ok ? { ok: true, message: "Check your inbox: follow the link in the e-mail to confirm." } : r);
  };
  return (
    <section aria-labelledby="subscribe-h" className="flex flex-col gap-2 rounded-xl border border-line bg-surface p-4">
      <h2 id="subscribe-h" className="text-lg font-semibold">Get updates by e-mail</h2>
      {action && !result ? (
        <button type="button" onClick={() => void act()} className="self-start rounded-md border border-chart-1 px-3 py-1 text-sm font-semibold">
          {action.kind === "confirm" ? "Confirm my subscription" : "Unsubscribe"}
        </button>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="flex flex-wrap gap-2">
          <label className="sr-only" htmlFor="subscribe-email">E-mail address</label>
          <input id="subscribe-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} placeholder="you@example.com" className="min-w-64 flex-1 rounded-md border border-line bg-bg px-2 py-1 text-sm focus:border-chart-1 focus:outline-none" />
          <button type="submit" className="rounded-md border border-chart-1 px-3 py-1 text-sm font-semibold">Subscribe</button>
        </form>
      )}
      {result && <p role={result.ok ? "status" : "alert"} className={result.ok ? "text-sm text-ok" : "text-sm text-critical"}>{result.message}</p>}
    </section>
  );
}
