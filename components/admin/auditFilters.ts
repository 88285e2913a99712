import { RESULT_CLASSES, type ResultClass } from "@/components/auth/contract";

/** The audit page's filters; they live in the URL (`?actor=&action=&result=&from=&to=`). */
export type AuditFilters = {
  actor: string;
  action: string;
  result: ResultClass | null;
  /** Epoch ms, inclusive. */
  from: number | null;
  /** Epoch ms, exclusive. */
  to: number | null;
  limit: number | null;
};

export const DEFAULT_LIMIT = 200;

function time(v: string | null): number | null {
  if (!v || !/^\d{1,16}$/.test(v)) return null;
  return Number(v);
}

export function parseAuditFilters(get: (key: string) => string | null): AuditFilters {
  const result = get("result");
  const limit = Number(get("limit"));
  return {
    actor: (get("actor") ?? "").trim().slice(0, 500),
    action: (get("action") ?? "").trim().slice(0, 300),
    result: RESULT_CLASSES.includes(result as ResultClass) ? (result as ResultClass) : null,
    from: time(get("from")),
    to: time(get("to")),
    limit: Number.isInteger(limit) && limit >= 1 && limit <= 1000 ? limit : DEFAULT_LIMIT,
  };
}

/** The query string for the page URL and for `/api/v1/audit` (and its export); empty filters are left out. */
export function auditQuery(f: AuditFilters): string {
  const q = new URLSearchParams();
  if (f.actor) q.set("actor", f.actor);
  if (f.action) q.set("action", f.action);
  if (f.result) q.set("result", f.result);
  if (f.from !== null) q.set("from", String(f.from));
  if (f.to !== null) q.set("to", String(f.to));
  if (f.limit !== null) q.set("limit", String(f.limit));
  return q.toString();
}

/** `<input type="datetime-local">` value (browser local time) ↔ epoch ms. */
export function toLocalInput(t: number | null): string {
  if (t === null) return "";
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function fromLocalInput(v: string): number | null {
  if (!v) return null;
  const t = new Date(v).getTime();
  return Number.isFinite(t) ? t : null;
}
