import { randomUUID } from "node:crypto";
import { z } from "zod";
import { Invalid } from "../errors";
import type { Purger } from "../store/retention";
import type { AuthCtx } from "./context";
import { parseInput } from "./context";
import { IdentitySchema, RoleSchema, type Identity } from "./policy";
import { AuditEntrySchema, type AuditEntry } from "./contract";
import { insertAudit, purgeAuditBefore, queryAudit, type AuditRow } from "./repo";

const DAY = 86_400_000;
const MAX_DETAIL_BYTES = 16 * 1024;
const EXPORT_PAGE = 500;

export { AuditEntrySchema, type AuditEntry };

/** What recordAudit takes; `actor: null` is a request that had no identity (e.g. a refused write). */
export const RecordAuditSchema = z
  .object({
    actor: IdentitySchema.nullable(),
    action: z.string().min(1).max(300),
    target: z.string().max(300).nullable().optional(),
    address: z.string().max(100).nullable().optional(),
    result: z.number().int().min(100).max(599),
    detail: z.record(z.string(), z.unknown()).nullable().optional(),
    /** Defaults to the clock. */
    at: z.number().int().nonnegative().optional(),
  })
  .strict();
export type RecordAuditInput = z.input<typeof RecordAuditSchema>;

const timeInput = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d{1,16}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

/** Filters for listAudit and exportAudit; query-string values (strings) are accepted. */
export const AuditFilterSchema = z.object({
  actor: z.string().min(1).max(500).optional(),
  /** Actions starting with this, e.g. "POST /api/v1/incidents". */
  action: z.string().max(300).optional(),
  result: z.enum(["2xx", "3xx", "4xx", "5xx"]).optional(),
  from: timeInput.optional(),
  /** Exclusive. */
  to: timeInput.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type AuditFilter = z.input<typeof AuditFilterSchema>;

/** Appends one entry; secrets in `detail` (tokens, passwords, cookies…) are redacted first. */
export async function recordAudit(ctx: AuthCtx, entry: RecordAuditInput): Promise<AuditEntry> {
  const e = parseInput(RecordAuditSchema, entry, "audit entry");
  const detail = e.detail ? (redact(e.detail) as Record<string, unknown>) : null;
  const detailJson = detail ? JSON.stringify(detail) : null;
  if (detailJson && Buffer.byteLength(detailJson) > MAX_DETAIL_BYTES) {
    throw new Invalid(`invalid audit entry: detail: larger than ${MAX_DETAIL_BYTES} bytes`, [{ path: "detail", message: "too large" }]);
  }
  const who = actorOf(e.actor);
  const id = randomUUID();
  await insertAudit(ctx.store, {
    id,
    at: e.at ?? ctx.clock.now(),
    actor_subject: who.subject,
    actor_name: who.name,
    role: who.role,
    via: who.via,
    action: e.action,
    target: e.target ?? null,
    address: e.address ?? null,
    result: e.result,
    detail: detailJson,
  });
  const rows = await ctx.store.db.selectFrom("audit_log").selectAll().where("id", "=", id).execute();
  return toEntry(rows[0]);
}

/** Entries matching the filter, newest first, at most `limit` (≤ 1000, default 100). */
export async function listAudit(ctx: AuthCtx, filter: unknown = {}): Promise<AuditEntry[]> {
  const f = parseInput(AuditFilterSchema, filter ?? {}, "audit filter");
  const rows = await queryAudit(ctx.store, { ...toQuery(f), order: "desc", limit: f.limit });
  return rows.map(toEntry);
}

/**
 * Every entry matching the filter (its limit is ignored), oldest first, one JSON object per line.
 * The filter is parsed before this returns, so a bad one throws Invalid before any line is sent.
 */
export function exportAudit(ctx: AuthCtx, filter: unknown = {}): AsyncIterable<string> {
  const f = parseInput(AuditFilterSchema, filter ?? {}, "audit filter");
  const base = toQuery(f);
  async function* lines(): AsyncGenerator<string> {
    let afterSeq: number | undefined;
    for (;;) {
      const rows = await queryAudit(ctx.store, { ...base, afterSeq, order: "asc", limit: EXPORT_PAGE });
      for (const row of rows) yield `${JSON.stringify(toEntry(row))}\n`;
      if (rows.length < EXPORT_PAGE) return;
      afterSeq = rows[rows.length - 1].seq;
    }
  }
  return lines();
}

/** Drops entries older than `auditRetentionDays`, for the retention job. */
export function auditPurger(ctx: AuthCtx): Purger {
  return { name: "audit", purge: (now) => purgeAuditBefore(ctx.store, now - ctx.config.auditRetentionDays * DAY) };
}

/** How an identity is written in the log. */
export function auditVia(identity: Identity | null): string {
  if (!identity) return "anonymous";
  return identity.via.kind === "token" ? `token:${identity.via.tokenId}` : identity.via.kind;
}

function actorOf(identity: Identity | null) {
  if (!identity) return { subject: "anonymous", name: "anonymous", role: null, via: "anonymous" };
  return { subject: identity.subject, name: identity.name, role: identity.role, via: auditVia(identity) };
}

function toQuery(f: z.output<typeof AuditFilterSchema>) {
  const classes = { "2xx": 200, "3xx": 300, "4xx": 400, "5xx": 500 } as const;
  const lo = f.result ? classes[f.result] : undefined;
  return {
    actor: f.actor,
    actionPrefix: f.action,
    result: lo === undefined ? undefined : ([lo, lo + 100] as [number, number]),
    from: f.from,
    to: f.to,
  };
}

const SECRET_KEY = /^(secret|password|passwd|pass|client_?secret|authorization|cookie|set-cookie|token|access_?token|refresh_?token|id_?token|secret_?hash|api_?key|code_?verifier)$/i;
const SECRET_VALUE = [/wr_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/g, /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi];
const REDACTED = "[redacted]";

/** Drops what must never reach the log: values under secret-looking keys and token-shaped strings. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 20) return REDACTED;
  if (typeof value === "string") return SECRET_VALUE.reduce((s, re) => s.replace(re, REDACTED), value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1);
    return out;
  }
  return value;
}

function toEntry(row: AuditRow): AuditEntry {
  const role = row.role === null ? null : RoleSchema.safeParse(row.role);
  const detail = row.detail === null ? null : z.record(z.string(), z.unknown()).safeParse(JSON.parse(row.detail));
  return {
    id: row.id,
    seq: Number(row.seq),
    at: row.at,
    actorSubject: row.actor_subject,
    actorName: row.actor_name,
    role: role && role.success ? role.data : null,
    via: row.via,
    action: row.action,
    target: row.target,
    address: row.address,
    result: row.result,
    detail: detail && detail.success ? detail.data : null,
  };
}
