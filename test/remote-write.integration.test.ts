import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compress } from "snappyjs";
import { BACKENDS, freePort, pushFed, startTestServer } from "./helpers";
import type { Config } from "../lib/config/schema";
import { TcpProxy } from "./support/tcp-proxy";
import { encodeWriteRequest, REMOTE_WRITE_HEADERS, remoteWriteBody, scrapeSeries, type TestSeries } from "./support/remote-write";

/**
 * POST /api/v1/write (Prometheus remote_write 1.0) against a real server: what it records, and
 * every kind of bad input answered with a clear 4xx that changes nothing and keeps the process up.
 */
/** Heap in use after a full collection (the server runs in this process). */
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const liveHeap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

type Res = { status: number; retryAfter: string | null; body: { error?: { code: string; message: string; details?: unknown } } & Record<string, unknown> };

async function write(base: string, body: Buffer | Uint8Array, headers: Record<string, string> = {}): Promise<Res> {
  const r = await fetch(`${base}/api/v1/write`, { method: "POST", headers: { ...REMOTE_WRITE_HEADERS, ...headers }, body: new Uint8Array(body) });
  return { status: r.status, retryAfter: r.headers.get("retry-after"), body: (await r.json()) as Res["body"] };
}

/** Cumulative counters of one service after `n` scrapes of 10 s at 100 rps, 2 % 5xx, p99 about 400 ms. */
const scrape = (service: string, t: number, n: number, cpu = 0.42) =>
  scrapeSeries(service, t, {
    ok: 980 * n,
    err5: 20 * n,
    buckets: [
      [0.05, 500 * n],
      [0.1, 800 * n],
      [0.25, 950 * n],
      [0.5, 995 * n],
      [1, 1000 * n],
      [Infinity, 1000 * n],
    ],
    cpu,
  });

describe.each(BACKENDS)("remote_write on $name", ({ databaseUrl }) => {
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  let base: string;
  // Ticks end at 12:00:00; the pushed scrapes come after them. checkout, search and catalog are push-fed,
  // auth is simulated and payments is fed by a Prometheus nobody answers.
  const T = Date.UTC(2026, 10, 23, 12, 0, 10);
  let promPort: number;
  beforeAll(async () => {
    promPort = await freePort();
    ctx = await startTestServer({
      databaseUrl,
      startAt: Date.UTC(2026, 10, 23, 11, 59, 58),
      configure: pushFed(["checkout", "search", "catalog"], (c: Config) => ({
        ...c,
        prometheus: { url: `http://127.0.0.1:${promPort}`, timeoutMs: 200, retries: 0, breaker: { failures: 1, halfOpenAfterMs: 60_000 } } as Config["prometheus"],
        services: c.services.map((s) => (s.id === "payments" ? { ...s, source: "prometheus" as const } : s)),
      })),
    });
    base = `http://127.0.0.1:${ctx.server.port}`;
    await ctx.tick(2);
  });
  afterAll(() => ctx.dispose());

  const stored = async () => Number((await ctx.server.warRoom.store.db.selectFrom("ingest_samples").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  const metric = async (name: string) => (await (await fetch(`${base}/metrics`)).text()).split("\n").filter((l) => l.startsWith(name));
  const latestT = () => ctx.server.warRoom.history.latest("checkout")!.t;

  it("records rps, error %, p99 and saturation from two scrapes, stored before it answers, idempotent on retry", async () => {
    expect((await write(base, remoteWriteBody(scrape("checkout", T, 1)))).body).toMatchObject({ samples: 9, points: { accepted: 0 } });
    const rows = await stored();
    const r = await write(base, remoteWriteBody(scrape("checkout", T + 10_000, 2)));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ samples: 9, points: { accepted: 1, duplicates: 0, late: 0 }, duplicates: 0, ignored: 0, rejected: {} });
    expect(await stored()).toBe(rows + 1);
    const p = ctx.server.warRoom.history.latest("checkout")!;
    expect(p.t).toBe(T + 10_000);
    expect(p.rps).toBeCloseTo(100, 6);
    expect(p.errorPct).toBeCloseTo(2, 6);
    expect(p.error5xxPct).toBeCloseTo(2, 6);
    expect(p.cpuPct).toBeCloseTo(42, 6);
    // 99 % of 1000 = 990: inside the 250–500 ms bucket (950 → 995), interpolated as histogram_quantile does.
    expect(p.p99).toBeCloseTo(250 + (250 * 40) / 45, 6);
    // Prometheus retries the same request (its answer got lost): nothing counted twice.
    const again = await write(base, remoteWriteBody(scrape("checkout", T + 10_000, 2)));
    expect(again.body).toMatchObject({ samples: 0, duplicates: 9, points: { accepted: 0 } });
    expect(await stored()).toBe(rows + 1);
  });

  it("keeps the good part of a mixed batch and says what it refused; every refused sample is counted on /metrics", async () => {
    const r = await write(
      base,
      remoteWriteBody([
        ...scrape("checkout", T + 20_000, 3),
        ...scrape("not-a-service", T + 20_000, 3),
        { labels: { __name__: "up", job: "x" }, samples: [{ value: 1, timestamp: T + 20_000 }] },
        { labels: { __name__: "http_requests_total", code: "200" }, samples: [{ value: 1, timestamp: T + 20_000 }] },
      ]),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ samples: 9, points: { accepted: 1 }, ignored: 1, rejected: { unknown_service: 9, no_service_label: 1 }, rejectedServices: ["not-a-service"] });
    expect(latestT()).toBe(T + 20_000);
    expect(await metric("warroom_remote_write_rejected_total")).toEqual(expect.arrayContaining(['warroom_remote_write_rejected_total{reason="unknown_service"} 9', 'warroom_remote_write_rejected_total{reason="no_service_label"} 1']));
  });

  it("refuses series of a simulated or Prometheus-fed service as not_push_fed and applies nothing to them", async () => {
    const rt = ctx.server.warRoom;
    const before = { rows: await stored(), auth: rt.history.latest("auth"), payments: rt.history.latest("payments") };
    expect(before.auth).not.toBeNull();
    const alone = await write(base, remoteWriteBody([...scrape("auth", T + 20_000, 1), ...scrape("payments", T + 20_000, 1)]));
    const again = await write(base, remoteWriteBody([...scrape("auth", T + 25_000, 2), ...scrape("payments", T + 25_000, 2)]));
    for (const r of [alone, again]) {
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: "invalid", message: expect.stringMatching(/not push fed/) });
    }
    expect(await stored()).toBe(before.rows);
    expect(rt.history.latest("auth")).toEqual(before.auth);
    expect(rt.history.latest("payments")).toEqual(before.payments);
    // Beside a push-fed service's series: those are kept, the others refused by name.
    expect((await write(base, remoteWriteBody(scrape("catalog", T + 20_000, 1)))).body).toMatchObject({ samples: 9, points: { accepted: 0 } });
    const mixed = await write(base, remoteWriteBody([...scrape("catalog", T + 30_000, 2), ...scrape("auth", T + 30_000, 3), ...scrape("payments", T + 30_000, 3)]));
    expect(mixed.status).toBe(200);
    expect(rt.history.latest("catalog")).toMatchObject({ t: T + 30_000 });
    expect(mixed.body).toMatchObject({ points: { accepted: 1 }, rejected: { not_push_fed: 18 } });
    expect([...(mixed.body.rejectedServices as string[])].sort()).toEqual(["auth", "payments"]);
    expect(await stored()).toBe(before.rows + 1);
    expect(rt.history.latest("auth")).toEqual(before.auth);
    expect(rt.history.latest("payments")).toEqual(before.payments);
    expect(await metric("warroom_remote_write_rejected_total")).toEqual(expect.arrayContaining([expect.stringMatching(/^warroom_remote_write_rejected_total\{reason="not_push_fed"\} \d+$/)]));
  });

  it("answers bad input with a clear 4xx, applies nothing and stays up", async () => {
    const before = { rows: await stored(), t: latestT() };
    const next = scrape("checkout", T + 30_000, 4);
    const raw = encodeWriteRequest(next);
    const body = Buffer.from(compress(raw));
    const cases: [string, Buffer | Uint8Array, Record<string, string>, number, RegExp][] = [
      ["truncated snappy", body.subarray(0, body.length - 9), {}, 400, /not valid snappy/],
      ["snappy of protobuf garbage", Buffer.from(compress(Buffer.from("\x0a\xff\xff\xff\x0fnot protobuf"))), {}, 400, /not a valid protobuf WriteRequest/],
      ["a truncated WriteRequest", Buffer.from(compress(raw.subarray(0, raw.length - 3))), {}, 400, /not a valid protobuf/],
      ["uncompressed protobuf", raw, {}, 400, /snappy/],
      ["a snappy header claiming 64 MiB", Buffer.from([0x80, 0x80, 0x80, 0x20, 0x00]), {}, 413, /decompresses to 67108864 bytes; at most 10485760/],
      ["JSON", Buffer.from("{}"), { "content-type": "application/json" }, 415, /application\/x-protobuf/],
      ["gzip", body, { "content-encoding": "gzip" }, 415, /snappy/],
      ["remote_write 2.0", body, { "content-type": "application/x-protobuf;proto=io.prometheus.write.v2.Request" }, 415, /protocol 1.0/],
      ["an empty body", Buffer.alloc(0), {}, 400, /empty/],
    ];
    for (const [what, b, headers, status, message] of cases) {
      const r = await write(base, b, headers);
      expect(r.status, what).toBe(status);
      expect(r.body.error?.message, what).toMatch(message);
    }
    // Over 4 MiB compressed: refused before it is read whole.
    const huge = await write(base, Buffer.alloc(4 * 1024 * 1024 + 1, 1));
    expect(huge.status).toBe(413);

    // Every sample refused: 400 (a retry cannot help), naming why; nothing written.
    const bad: [string, TestSeries[], RegExp][] = [
      ["NaN and Inf", next.map((s) => ({ ...s, samples: [{ value: s.labels.code === "200" ? NaN : Infinity, timestamp: T + 30_000 }] })), /non finite/],
      ["out of order", scrape("checkout", T + 15_000, 4), /out of order/],
      ["too old", scrape("checkout", T - 2 * 24 * 3600_000, 4), /too old/],
      ["negative counters", next.map((s) => ({ ...s, samples: [{ value: -5, timestamp: T + 30_000 }] })), /out of range/],
      ["unknown services", scrape("nope", T + 30_000, 4), /unknown service.*services: nope/],
    ];
    for (const [what, series, message] of bad) {
      const r = await write(base, remoteWriteBody(series));
      expect(r.status, what).toBe(400);
      expect(r.body.error?.code).toBe("invalid");
      expect(r.body.error?.message, what).toMatch(message);
    }
    expect(await stored()).toBe(before.rows);
    expect(latestT()).toBe(before.t);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    // A counter that went down is a reset, not an error: the next good scrape is applied.
    const reset = await write(base, remoteWriteBody(scrape("checkout", T + 30_000, 1)));
    expect(reset.status).toBe(200);
    expect(ctx.server.warRoom.history.latest("checkout")).toMatchObject({ t: T + 30_000 });
    expect(ctx.server.warRoom.history.latest("checkout")!.rps).toBeCloseTo(100, 6);
  });

  it("refuses a million distinct series beyond the cardinality bound with a 4xx, keeps memory bounded", { timeout: 120_000 }, async () => {
    const heap0 = liveHeap();
    let refused = 0;
    let lastStatus = 0;
    let lastMessage = "";
    const PER_REQUEST = 50_000;
    for (let k = 0; k < 1_000_000 / PER_REQUEST; k++) {
      const series: TestSeries[] = Array.from({ length: PER_REQUEST }, (_, i) => ({
        labels: { __name__: "http_requests_total", service: "search", code: "200", user: `u${k * PER_REQUEST + i}` },
        samples: [{ value: 1, timestamp: T + 40_000 }],
      }));
      const r = await write(base, remoteWriteBody(series));
      expect([200, 400]).toContain(r.status);
      refused += (r.status === 200 ? (r.body.rejected as { cardinality?: number }).cardinality : ((r.body.error?.details as { rejected: { cardinality: number } }).rejected.cardinality)) ?? 0;
      lastStatus = r.status;
      lastMessage = r.body.error?.message ?? "";
    }
    expect(lastStatus).toBe(400);
    expect(lastMessage).toMatch(/every sample was refused \(950000 cardinality|every sample was refused \(50000 cardinality\); services: search/);
    expect(refused).toBe(1_000_000 - 10_000);
    expect(await metric("warroom_remote_write_series ")).toEqual([expect.stringMatching(/^warroom_remote_write_series 10\d\d\d$/)]);
    expect(await metric('warroom_remote_write_rejected_total{reason="cardinality"}')).toEqual(['warroom_remote_write_rejected_total{reason="cardinality"} 990000']);
    // The server runs in this process: its heap holds 10,000 series, not a million.
    expect(liveHeap() - heap0).toBeLessThan(40 * 1024 * 1024);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });
});

describe.runIf(process.env.DATABASE_URL)("remote_write while PostgreSQL is away", () => {
  let proxy: TcpProxy;
  let ctx: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    const real = new URL(process.env.DATABASE_URL!);
    proxy = new TcpProxy({ host: real.hostname.replace(/^\[|\]$/g, ""), port: Number(real.port || 5432) });
    await proxy.start();
    const via = new URL(process.env.DATABASE_URL!);
    via.hostname = "127.0.0.1";
    via.port = String(proxy.port);
    via.searchParams.delete("host");
    ctx = await startTestServer({ databaseUrl: via.toString(), startAt: Date.UTC(2026, 10, 23, 11, 59, 58), configure: pushFed(["checkout"]) });
    await ctx.tick(2);
  });
  afterAll(async () => {
    await proxy?.restore();
    await ctx?.dispose();
    await proxy?.cut();
  });

  it("answers 503 with Retry-After (Prometheus retries), and the retry computes the same point", { timeout: 60_000 }, async () => {
    const base = `http://127.0.0.1:${ctx.server.port}`;
    const T = Date.UTC(2026, 10, 23, 12, 0, 10);
    expect((await write(base, remoteWriteBody(scrape("checkout", T, 1)))).status).toBe(200);
    await proxy.cut();
    const body = remoteWriteBody(scrape("checkout", T + 10_000, 2));
    const down = await write(base, body);
    expect(down).toMatchObject({ status: 503, retryAfter: "5", body: { error: { code: "store_unavailable" } } });
    // One scrape makes no rate: nothing was shown before, and the refused write shows nothing.
    expect(ctx.server.warRoom.history.latest("checkout")).toBeNull();
    await proxy.restore();
    const deadline = Date.now() + 20_000;
    let r = await write(base, body);
    while (r.status === 503 && Date.now() < deadline) {
      await new Promise((ok) => setTimeout(ok, 200));
      r = await write(base, body);
    }
    expect(r.body).toMatchObject({ samples: 9, points: { accepted: 1 } });
    expect(ctx.server.warRoom.history.latest("checkout")!.rps).toBeCloseTo(100, 6);
  });
});
