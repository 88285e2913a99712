import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../store/store";
import { createLogger } from "../log";
import { manualClock } from "../time";
import { NotificationsConfigSchema, type ResolvedChannel } from "./config";
import { NotificationOutbox, backoffMs } from "./outbox";
import { notificationsPurger } from "./repo";
import type { NotificationEvent } from "./events";
import { channelsFor } from "./rules";
import { emailMessage, slackMessage, cloudEvent } from "./format";
import type { Outcome } from "./send";
import { postgresBackend } from "../store/testing/backends";

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const config = NotificationsConfigSchema.parse({ channels: [{ id: "hook", kind: "webhook", url: "http://127.0.0.1:1/x", secretEnv: "X" }], rules: [{ events: ["incident.declared"], channels: ["hook"] }] });
const channel: ResolvedChannel = { id: "hook", kind: "webhook", name: "hook", url: "http://127.0.0.1:1/x", key: Buffer.alloc(32), secrets: [] };
const event = (over: Partial<NotificationEvent> = {}): NotificationEvent => ({
  id: "ev-1",
  type: "incident.declared",
  occurredAt: 0,
  summary: "Declared SEV1: investigating",
  incident: { id: "i", number: 1, title: "<b>Checkout</b> & co", severity: "SEV1", status: "investigating", services: ["checkout"], drill: false },
  ...over,
});

async function store(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), "war-room-outbox-"));
  dirs.push(dir);
  const s = await openStore({ dataDir: dir });
  stores.push(s);
  return s;
}

const databaseUrl = process.env.DATABASE_URL;

/** Five events enqueued by one instance, drained by two at once: every event is sent once. */
async function exactlyOnce(sa: Store, sb: Store): Promise<void> {
  const clock = manualClock(1_000_000);
  const sent: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const send = async (_c: ResolvedChannel, e: NotificationEvent): Promise<Outcome> => {
    sent.push(e.id);
    await gate;
    return { ok: true, status: 200 };
  };
  const mk = (s: Store, holder: string) => new NotificationOutbox({ store: s, clock, logger: createLogger("silent"), config, channels: [channel], holder, send });
  const a = mk(sa, "a");
  const b = mk(sb, "b");
  for (let i = 0; i < 5; i++) await a.enqueue(event({ id: `ev-${i}` }));
  expect(await b.enqueue(event({ id: "ev-0" }))).toBe(false);
  const both = Promise.all([a.drain(), b.drain()]);
  await new Promise((r) => setImmediate(r));
  release();
  const [na, nb] = await both;
  expect(na + nb).toBe(5);
  expect(sent.sort()).toEqual(["ev-0", "ev-1", "ev-2", "ev-3", "ev-4"]);
  expect(await a.drain()).toBe(0);
  expect(await b.drain()).toBe(0);
}

describe("the outbox", () => {
  it("two instances draining the same outbox at once deliver each event exactly once (SQLite)", async () => {
    const s = await store();
    await exactlyOnce(s, s);
  });

  it.skipIf(!databaseUrl)("two instances, each with its own PostgreSQL pool, deliver each event exactly once", async () => {
    const backend = postgresBackend(databaseUrl!);
    await backend.setup();
    const a = await backend.open();
    const b = await backend.open();
    try {
      await exactlyOnce(a, b);
    } finally {
      await b.close();
      await backend.teardown(a);
      await a.close();
    }
  });

  it("backs off with full jitter, capped", () => {
    const cfg = { backoffBaseSeconds: 2, backoffCapSeconds: 60 };
    expect(backoffMs(0, cfg, () => 0.999)).toBe(1998);
    expect(backoffMs(3, cfg, () => 0.5)).toBe(8000);
    expect(backoffMs(20, cfg, () => 0.999)).toBe(59_940);
    expect(backoffMs(5, cfg, () => 0)).toBe(0);
  });
});

describe("retention", () => {
  it("forgets ended deliveries and their events after 30 days and unconfirmed sign-ups after 48 h; keeps what is still pending", async () => {
    const s = await store();
    const day = 24 * 3600_000;
    const clock = manualClock(100 * day);
    const outcomes: Outcome[] = [{ ok: true, status: 200 }, { ok: false, retry: true, status: 503, error: "busy" }];
    let n = 0;
    const box = new NotificationOutbox({ store: s, clock, logger: createLogger("silent"), config, channels: [channel], holder: "a", send: async () => outcomes[n++] ?? { ok: true, status: 200 } });
    await box.enqueue(event({ id: "old-sent" }));
    await box.enqueue(event({ id: "old-pending" }));
    await box.drain();
    await s.db.insertInto("status_subscribers").values([
      { id: "p1", email: "late@example.com", state: "pending", token_hash: "x", unsubscribe_token: "u1", created_at: clock.now(), confirmed_at: null },
      { id: "c1", email: "kept@example.com", state: "confirmed", token_hash: "y", unsubscribe_token: "u2", created_at: clock.now(), confirmed_at: clock.now() },
    ]).execute();
    const purger = notificationsPurger(s);
    expect(await purger.purge(clock.now() + 29 * day)).toBe(1); // only the unconfirmed sign-up (48 h)
    expect(await purger.purge(clock.now() + 31 * day)).toBe(2); // the sent delivery and its event
    const left = await s.db.selectFrom("notification_deliveries").select(["event_id", "state"]).execute();
    expect(left).toEqual([{ event_id: "old-pending", state: "pending" }]);
    expect((await s.db.selectFrom("notification_events").select("id").execute()).map((r) => r.id)).toEqual(["old-pending"]);
    expect((await s.db.selectFrom("status_subscribers").select("email").execute()).map((r) => r.email)).toEqual(["kept@example.com"]);
  });
});

describe("rules and formats", () => {
  it("filters by event, severity, service and drill", () => {
    const rules = NotificationsConfigSchema.parse({
      channels: [1, 2, 3].map((n) => ({ id: `c${n}`, kind: "slack", urlEnv: "U" })),
      rules: [
        { events: ["incident.declared"], channels: ["c1"], minSeverity: "SEV2" },
        { events: ["incident.declared"], channels: ["c2"], services: ["search"] },
        { events: ["incident.declared"], channels: ["c3"], drills: "only" },
      ],
    }).rules;
    expect(channelsFor(event(), rules)).toEqual(["c1"]);
    expect(channelsFor(event({ incident: { ...event().incident!, severity: "SEV3" } }), rules)).toEqual([]);
    expect(channelsFor(event({ incident: { ...event().incident!, services: ["search"], drill: true } }), rules)).toEqual(["c3"]);
    expect(channelsFor(event({ type: "incident.resolved" }), rules)).toEqual([]);
  });

  it("keeps markup as text: escaped in e-mail HTML and Slack, plain in JSON", () => {
    const e = event({ type: "status_update.published", update: { id: "u", status: "investigating", body: "<script>alert(1)</script>" } });
    const mail = emailMessage(e);
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(mail.html).toContain("&lt;b&gt;Checkout&lt;/b&gt; &amp; co");
    expect(JSON.stringify(slackMessage(e))).not.toContain("<script>");
    // JSON carries the text as it was written; JSON.stringify escapes it as a string, never as markup.
    expect((cloudEvent(e).data as NotificationEvent).update!.body).toBe("<script>alert(1)</script>");
  });
});
