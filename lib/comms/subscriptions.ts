import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { v7 as uuidv7 } from "uuid";
import type { Kysely } from "kysely";
import { NotFound, Unavailable, parseOrInvalid } from "../errors";
import type { Clock } from "../time";
import type { Store } from "../store/store";
import type { Database } from "../store/schema";
import type { NotificationOutbox } from "../notifications/outbox";
import type { NotificationEvent } from "../notifications/events";

/** A pending subscriber asking again within this long gets no second e-mail (no mail bombing through the form). */
const RESEND_AFTER_MS = 10 * 60_000;

export const SubscribeSchema = z.object({ email: z.email().max(254).transform((e) => e.toLowerCase()) }).strict();
export const TokenSchema = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "not a subscription token") }).strict();

export type SubscriptionCtx = {
  store: Store;
  clock: Clock;
  outbox: NotificationOutbox;
  /** The e-mail channel subscriber mail goes through; undefined: subscriptions are off. */
  emailChannel?: string;
  /** The public page's address (links in the e-mails), e.g. https://warroom.example.com/status. */
  pageUrl: string;
  pageName: string;
};

const hash = (token: string) => createHash("sha256").update(token).digest("hex");
const channelOf = (ctx: SubscriptionCtx) => {
  if (!ctx.emailChannel) throw new Unavailable("e-mail subscriptions are not enabled on this status page");
  return ctx.emailChannel;
};
const link = (ctx: SubscriptionCtx, what: "confirm" | "unsubscribe", token: string) => `${ctx.pageUrl}?${what}=${token}`;

/**
 * Double opt-in, step one: records the address as pending and e-mails it a confirmation link.
 * The answer is the same whether the address was new, pending or confirmed (nobody learns who subscribes).
 */
export async function subscribe(ctx: SubscriptionCtx, input: unknown): Promise<void> {
  const channel = channelOf(ctx);
  const { email } = parseOrInvalid(SubscribeSchema, input, "subscription");
  const now = ctx.clock.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("status_subscribers").selectAll().where("email", "=", email).executeTakeFirst();
    if (existing && (existing.state === "confirmed" || now - Number(existing.created_at) < RESEND_AFTER_MS)) return;
    const token = newToken();
    const id = existing?.id ?? uuidv7();
    const unsub = existing?.unsubscribe_token ?? newToken();
    if (existing) await trx.updateTable("status_subscribers").set({ token_hash: hash(token), created_at: now }).where("id", "=", id).execute();
    else {
      // Two sign-ups for a new address at once: the second finds the row taken and sends nothing.
      const r = await trx.insertInto("status_subscribers").values({ id, email, state: "pending", token_hash: hash(token), unsubscribe_token: unsub, created_at: now, confirmed_at: null }).onConflict((oc) => oc.column("email").doNothing()).executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 0) return;
    }
    const event: NotificationEvent = {
      id: `sub-${id}-${now}`,
      type: "subscription.confirm",
      occurredAt: now,
      summary: `Someone (we hope you) asked for e-mail about ${ctx.pageName} status. Confirm to start receiving updates; ignore this e-mail otherwise.`,
      channels: [channel],
      to: [email],
      actions: [
        { label: "Confirm the subscription", url: link(ctx, "confirm", token) },
        { label: "Unsubscribe", url: link(ctx, "unsubscribe", unsub) },
      ],
    };
    await ctx.outbox.enqueue(event, trx);
  });
}

const newToken = () => randomBytes(32).toString("base64url");

/** Step two: the link in the e-mail was followed (and its button pressed: mail scanners fetch links, they do not post). */
export async function confirmSubscription(ctx: SubscriptionCtx, input: unknown): Promise<void> {
  const { token } = parseOrInvalid(TokenSchema, input, "token");
  const row = await ctx.store.db.selectFrom("status_subscribers").selectAll().where("token_hash", "=", hash(token)).executeTakeFirst();
  if (!row) throw new NotFound("this link is not valid (any more)");
  // The link works once: its hash is replaced by one of a token nobody has.
  await ctx.store.db.updateTable("status_subscribers").set({ state: "confirmed", confirmed_at: row.state === "confirmed" ? row.confirmed_at : ctx.clock.now(), token_hash: hash(newToken()) }).where("id", "=", row.id).execute();
}

export async function unsubscribe(ctx: SubscriptionCtx, input: unknown): Promise<void> {
  const { token } = parseOrInvalid(TokenSchema, input, "token");
  const r = await ctx.store.db.deleteFrom("status_subscribers").where("unsubscribe_token", "=", token).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new NotFound("this link is not valid (any more)");
}

/** In the transaction of a published status update: one e-mail per confirmed subscriber, with only the public text and an unsubscribe link. */
export async function enqueueForSubscribers(ctx: SubscriptionCtx, db: Kysely<Database>, update: { id: string; status: string; body: string; incidentName: string; at: number }): Promise<number> {
  if (!ctx.emailChannel) return 0;
  const subs = await db.selectFrom("status_subscribers").select(["id", "email", "unsubscribe_token"]).where("state", "=", "confirmed").execute();
  for (const s of subs) {
    await ctx.outbox.enqueue(
      {
        id: `su-${update.id}-to-${s.id}`,
        type: "status_update.published",
        occurredAt: update.at,
        summary: `${update.incidentName}: ${update.status}`,
        update: { id: update.id, status: update.status, body: update.body },
        channels: [ctx.emailChannel],
        to: [s.email],
        url: ctx.pageUrl,
        actions: [{ label: "Unsubscribe", url: link(ctx, "unsubscribe", s.unsubscribe_token) }],
      },
      db,
    );
  }
  return subs.length;
}
