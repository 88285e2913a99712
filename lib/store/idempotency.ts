import type { Kysely, Transaction } from "kysely";
import { Unprocessable } from "../errors";
import type { Database } from "./schema";
import type { Purger } from "./retention";

/** A request carrying an Idempotency-Key: whose key it is (the client's identity), the key, and the request's fingerprint (lib/server/idempotency.ts). */
export type IdempotentRequest = { scope: string; key: string; fingerprint: string };

/** What the first request with the key was answered: replayed to every retry. */
export type StoredAnswer = { status: number; body: unknown };

export type Once<T> = { replayed: false; value: T; answer: StoredAnswer } | { replayed: true; answer: StoredAnswer };

/** Keys are kept at least this long (the draft leaves the window to the server; a day is what clients are told). */
export const IDEMPOTENCY_RETENTION_MS = 48 * 3600_000;

/**
 * Runs `work` at most once per (scope, key). In one transaction: claims the key, runs the work
 * with that transaction and stores its answer, so the key, the write and the answer commit
 * together (a crash leaves all or none; an acknowledged key survives kill -9). A key already
 * stored is answered with the stored answer; with another fingerprint (same key, another
 * request) it is Unprocessable (422), as the draft says. A concurrent request with the same key
 * waits on the first one's claim (PostgreSQL's unique index; SQLite has one writer) and then
 * gets its answer. A work that throws releases the key: nothing was written.
 */
export async function runOnce<T>(
  db: Kysely<Database>,
  req: IdempotentRequest,
  now: number,
  work: (trx: Transaction<Database>) => Promise<{ value: T; answer: StoredAnswer }>,
): Promise<Once<T>> {
  return db.transaction().execute(async (trx): Promise<Once<T>> => {
    const claimed = await trx
      .insertInto("idempotency_keys")
      .values({ scope: req.scope, key: req.key, fingerprint: req.fingerprint, status: 0, response: "null", created_at: now })
      .onConflict((oc) => oc.columns(["scope", "key"]).doNothing())
      .returning("key")
      .executeTakeFirst();
    if (!claimed) {
      const row = await trx.selectFrom("idempotency_keys").selectAll().where("scope", "=", req.scope).where("key", "=", req.key).executeTakeFirstOrThrow();
      if (row.fingerprint !== req.fingerprint) {
        throw new Unprocessable("this Idempotency-Key was already used for a different request; use a new key for a new request", { idempotencyKey: req.key });
      }
      return { replayed: true, answer: { status: Number(row.status), body: JSON.parse(row.response) as unknown } };
    }
    const { value, answer } = await work(trx);
    await trx
      .updateTable("idempotency_keys")
      .set({ status: answer.status, response: JSON.stringify(answer.body) })
      .where("scope", "=", req.scope)
      .where("key", "=", req.key)
      .execute();
    return { replayed: false, value, answer };
  });
}

/** Drops keys past IDEMPOTENCY_RETENTION_MS (the hourly retention job, lib/store/retention.ts). */
export function idempotencyPurger(db: Kysely<Database>): Purger {
  return {
    name: "idempotencyKeys",
    async purge(now) {
      const r = await db.deleteFrom("idempotency_keys").where("created_at", "<", now - IDEMPOTENCY_RETENTION_MS).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
