import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../store/store";
import { createLogger } from "../log";
import { manualClock } from "../time";
import { NotificationsConfigSchema, type ResolvedChannel } from "./config";
import { NotificationOutbox, backoffMs } from "./outbox";
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
