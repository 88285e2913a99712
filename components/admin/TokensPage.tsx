"use client";

import { useId, useState, type FormEvent } from "react";
import clsx from "clsx";
import { KeyRound, Plus, TriangleAlert } from "lucide-react";
import { formatDateTime } from "@/lib/signals/format";
import { ApiError, detailLines } from "@/components/api";
import { TOKEN_SCOPES, type TokenInfo, type TokenScope } from "@/components/auth/contract";
import { Modal } from "@/components/incidents/Modal";
import { CopyButton } from "@/components/runbooks/CopyButton";
import { useTimeZone } from "@/components/shell/timezone";
import { AdminOnly } from "./AdminOnly";
import { useCreateToken, useRevokeToken, useTokens } from "./api";

const SCOPE_HINT: Record<TokenScope, string> = {
  ingest: "push samples (POST /api/v1/ingest)",
  alertmanager: "deliver Alertmanager webhooks",
  read: "read the API as a viewer",
  write: "write as a responder (never admin)",
};

const DAY = 86_400_000;
const EXPIRY: [string, number | null][] = [
  ["Never", null],
  ["7 days", 7],
  ["30 days", 30],
  ["90 days", 90],
  ["1 year", 365],
];

const field = "rounded-md border border-line bg-bg px-3 py-2 text-sm text-fg placeholder:text-faint focus:border-chart-1 focus:outline-none";
const labelCls = "mb-1.5 block text-xs font-semibold tracking-wide text-muted uppercase";

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return "Something went wrong";
  const lines = err instanceof ApiError ? detailLines(err.details) : [];
  return [err.message, ...lines].join(" — ");
}

function tokenState(t: TokenInfo, now: number): { label: string; tone: string } {
  if (t.revokedAt !== null) return { label: "revoked", tone: "text-critical" };
  if (t.expiresAt !== null && t.expiresAt <= now) return { label: "expired", tone: "text-stale" };
  return { label: "active", tone: "text-ok" };
}

function SecretBox({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <section role="status" aria-label="New token secret" className="rounded-xl border border-warn/60 bg-warn/10 p-4">
      <p className="flex items-center gap-2 text-sm font-semibold text-warn">
        <TriangleAlert aria-hidden className="size-4" />
        Copy the secret of “{name}” now: you will not see it again.
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <code aria-label="Token secret" className="num min-w-0 flex-1 rounded-md border border-line bg-bg px-3 py-2 font-mono text-sm break-all text-fg select-all">
          {secret}
        </code>
        <CopyButton getText={() => secret} className="py-1.5" />
        <button type="button" onClick={onDone} className="rounded-md border border-line px-3 py-1.5 text-sm text-muted hover:border-muted hover:text-fg">
          I have copied it
        </button>
      </div>
    </section>
  );
}

function CreateToken({ onCreated }: { onCreated: (name: string, secret: string) => void }) {
  const id = useId();
  const create = useCreateToken();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<TokenScope[]>([]);
  const [expiry, setExpiry] = useState<number | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    create.mutate(
      { name: name.trim(), scopes: TOKEN_SCOPES.filter((s) => scopes.includes(s)), ...(expiry ? { expiresAt: Date.now() + expiry * DAY } : {}) },
      {
        onSuccess: (r) => {
          onCreated(r.token.name, r.secret);
          setName("");
          setScopes([]);
          setExpiry(null);
        },
      },
    );
  };

  return (
    <section aria-labelledby={`${id}-h`} className="rounded-xl border border-line bg-surface p-5">
      <h2 id={`${id}-h`} className="mb-4 flex items-center gap-2 text-base font-semibold">
        <Plus aria-hidden className="size-4 text-chart-1" /> New token
      </h2>
      <form onSubmit={submit} className="flex flex-col gap-4">
        <div className="flex flex-wrap gap-4">
          <div className="min-w-64 flex-1">
            <label htmlFor={`${id}-name`} className={labelCls}>
              Name
            </label>
            <input id={`${id}-name`} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="e.g. prometheus-push (eu-west)" className={clsx(field, "w-full")} />
          </div>
          <div>
            <label htmlFor={`${id}-exp`} className={labelCls}>
              Expires
            </label>
            <select id={`${id}-exp`} value={expiry ?? ""} onChange={(e) => setExpiry(e.target.value ? Number(e.target.value) : null)} className={field}>
              {EXPIRY.map(([label, days]) => (
                <option key={label} value={days ?? ""}>
                  {days === null ? label : `in ${label}`}
                </option>
              ))}
            </select>
          </div>
        </div>
        <fieldset>
          <legend className={labelCls}>Scopes</legend>
          <div className="flex flex-wrap gap-2">
            {TOKEN_SCOPES.map((s) => (
              <label key={s} className="flex cursor-pointer items-start gap-2 rounded-lg border border-line bg-surface-2 px-3 py-2 has-checked:border-chart-1/60">
                <input
                  type="checkbox"
                  checked={scopes.includes(s)}
                  onChange={(e) => setScopes((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))}
                  className="mt-1 accent-(--color-chart-1)"
                />
                <span>
                  <span className="block font-mono text-sm font-semibold">{s}</span>
                  <span className="block text-xs text-muted">{SCOPE_HINT[s]}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {create.isError && (
          <p role="alert" className="rounded-md border border-critical/50 bg-critical/10 px-3 py-2 text-sm text-critical">
            Token not created: {errorText(create.error)}
          </p>
        )}
        <div className="flex justify-end">
          <button
            type="submit"
            disabled={create.isPending || !name.trim() || scopes.length === 0}
            className="inline-flex items-center gap-2 rounded-md bg-chart-1 px-4 py-2 text-sm font-semibold text-bg hover:bg-chart-1/90 disabled:opacity-50"
          >
            <KeyRound aria-hidden className="size-4" />
            {create.isPending ? "Creating…" : "Create token"}
          </button>
        </div>
      </form>
    </section>
  );
}

function RevokeDialog({ token, onClose }: { token: TokenInfo; onClose: () => void }) {
  const id = useId();
  const revoke = useRevokeToken();
  return (
    <Modal labelledBy={`${id}-t`} onClose={onClose} className="max-w-md">
      <h2 id={`${id}-t`} className="text-lg font-semibold">
        Revoke “{token.name}”?
      </h2>
      <p className="mt-2 text-sm text-muted">
        Anything using <span className="font-mono text-fg">wr_{token.prefix}_…</span> is refused from now on. This cannot be undone.
      </p>
      {revoke.isError && (
        <p role="alert" className="mt-3 text-sm text-critical">
          Not revoked: {errorText(revoke.error)}
        </p>
      )}
      <div className="mt-5 flex justify-end gap-2">
        <button type="button" onClick={onClose} className="rounded-md px-3 py-2 text-sm text-muted hover:bg-surface hover:text-fg">
          Cancel
        </button>
        <button
          type="button"
          autoFocus
          disabled={revoke.isPending}
          onClick={() => revoke.mutate(token.id, { onSuccess: onClose })}
          className="rounded-md bg-critical px-4 py-2 text-sm font-semibold text-bg hover:bg-critical/90 disabled:opacity-50"
        >
          {revoke.isPending ? "Revoking…" : "Revoke token"}
        </button>
      </div>
    </Modal>
  );
}

function TokenTable({ tokens, onRevoke }: { tokens: TokenInfo[]; onRevoke: (t: TokenInfo) => void }) {
  const [tz] = useTimeZone();
  const now = Date.now();
  const when = (t: number | null, none: string) => (t === null ? <span className="text-faint">{none}</span> : formatDateTime(t, tz));
  return (
    <div className="overflow-x-auto rounded-xl border border-line bg-surface">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">API tokens</caption>
        <thead className="border-b border-line text-xs tracking-wide text-muted uppercase">
          <tr>
            <th scope="col" className="px-4 py-2.5 font-semibold">Name</th>
            <th scope="col" className="px-3 py-2.5 font-semibold">Token</th>
            <th scope="col" className="px-3 py-2.5 font-semibold">Scopes</th>
            <th scope="col" className="px-3 py-2.5 font-semibold">State</th>
            <th scope="col" className="px-3 py-2.5 font-semibold">Created</th>
            <th scope="col" className="px-3 py-2.5 font-semibold">Expires</th>
            <th scope="col" className="px-3 py-2.5 font-semibold">Last used</th>
            <th scope="col" className="px-4 py-2.5 text-right font-semibold"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => {
            const state = tokenState(t, now);
            return (
              <tr key={t.id} className={clsx("border-b border-line/60 last:border-b-0 hover:bg-surface-2", state.label !== "active" && "text-muted")}>
                <td className="px-4 py-2.5 font-semibold">{t.name}</td>
                <td className="px-3 py-2.5 font-mono text-xs text-muted">wr_{t.prefix}_…</td>
                <td className="px-3 py-2.5">
                  <span className="flex flex-wrap gap-1">
                    {t.scopes.map((s) => (
                      <span key={s} className="rounded bg-surface-2 px-1.5 py-0.5 font-mono text-xs ring-1 ring-line">
                        {s}
                      </span>
                    ))}
                  </span>
                </td>
                <td className={clsx("px-3 py-2.5 font-semibold", state.tone)} title={t.revokedAt !== null ? `revoked ${formatDateTime(t.revokedAt, tz)}` : undefined}>
                  {state.label}
                </td>
                <td className="num px-3 py-2.5 whitespace-nowrap text-muted">
                  {formatDateTime(t.createdAt, tz)}
                  <span className="block text-xs text-faint">by {t.createdBy}</span>
                </td>
                <td className="num px-3 py-2.5 whitespace-nowrap">{when(t.expiresAt, "never")}</td>
                <td className="num px-3 py-2.5 whitespace-nowrap">{when(t.lastUsedAt, "never used")}</td>
                <td className="px-4 py-2.5 text-right">
                  {t.revokedAt === null && (
                    <button
                      type="button"
                      onClick={() => onRevoke(t)}
                      aria-label={`Revoke ${t.name}`}
                      className="rounded-md border border-line px-2.5 py-1 text-xs font-semibold text-muted hover:border-critical hover:text-critical"
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Tokens() {
  const tokens = useTokens(true);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<TokenInfo | null>(null);
  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-5 px-6 py-5">
      <header>
        <h1 className="text-2xl font-bold tracking-tight">API tokens</h1>
        <p className="text-sm text-muted">For machines: push ingest, Alertmanager, scripts. Only a hash is stored; the secret is shown once, when the token is created.</p>
      </header>
      {secret && <SecretBox name={secret.name} secret={secret.secret} onDone={() => setSecret(null)} />}
      <CreateToken onCreated={(name, s) => setSecret({ name, secret: s })} />
      {tokens.isError ? (
        <p role="alert" className="rounded-md border border-critical/50 bg-critical/10 px-4 py-3 text-sm text-critical">
          Could not load tokens: {errorText(tokens.error)}
        </p>
      ) : tokens.isPending ? (
        <p className="text-sm text-muted">Loading tokens…</p>
      ) : tokens.data.length === 0 ? (
        <p className="rounded-xl border border-dashed border-line px-4 py-10 text-center text-muted">No tokens yet.</p>
      ) : (
        <TokenTable tokens={tokens.data} onRevoke={setRevoking} />
      )}
      {revoking && <RevokeDialog token={revoking} onClose={() => setRevoking(null)} />}
    </main>
  );
}

/** `/admin/tokens`: list, create (secret shown once), revoke. */
export function TokensPage() {
  return (
    <AdminOnly what="API tokens">
      <Tokens />
    </AdminOnly>
  );
}
