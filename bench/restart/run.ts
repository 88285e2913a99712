/**
 * Restart bench: N browser-style live clients (lib/live/client.ts, the real reconnect logic)
 * watch the board of a real server (`server.ts --no-ui`); the server gets SIGTERM, and as
 * soon as it has exited a replacement starts on the same port and data folder (what a
 * supervisor such as systemd does). Measured per viewer: from the SIGTERM, and from the
 * moment the replacement answered /health/ready, until the viewer had data again.
 *
 *   npm run bench:restart -- [--clients 200] [--client restart|backoff] [--delay-start 0]
 *
 * `--client backoff` makes the same client see every 1012/1001 as 1006, i.e. the behaviour
 * before docs/protocol.md's reconnect-now rule (exponential backoff from the first failure).
 * `--delay-start S` waits S more seconds before starting the replacement (a slow start).
 * Viewers connect from 127.0.0.2… so the 50-sockets-per-address limit (lib/server/rate-limit.ts)
 * does not refuse them. Writes bench/results/restart-<time>.json.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { LiveClient, RECONNECT_NOW_CODES, type SocketConstructor } from "../../lib/live/client";
import { freePort, killAll, ROOT, sleep, spawnTs, stop, waitReady, type Managed } from "../ws-fanout/procs";
import { fmt } from "../ws-fanout/stats";

type Settings = { clients: number; client: "restart" | "backoff"; delayStartS: number };

function parseArgs(argv: string[]): Settings {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    clients: Number(get("--clients") ?? 200),
    client: get("--client") === "backoff" ? "backoff" : "restart",
    delayStartS: Number(get("--delay-start") ?? 0),
  };
}

const PER_ADDRESS = 40; // under RATE_LIMITS.socketsPerAddress (50)

/** `ws` shaped as the browser WebSocket, from the n-th loopback address; optionally hiding 1012/1001. */
function socketClass(n: number, hideRestart: boolean, onSocket: (ws: WebSocket) => void): SocketConstructor {
  const localAddress = `127.0.0.${2 + Math.floor(n / PER_ADDRESS)}`;
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { localAddress });
      onSocket(this);
      if (!hideRestart) return;
      // The handler is set after construction: wrap it when it is assigned.
      type OnClose = ((ev: { code: number; reason: string }) => void) | null;
      const inherited = Object.getOwnPropertyDescriptor(WebSocket.prototype, "onclose")!;
      let handler: OnClose = null;
      Object.defineProperty(this, "onclose", {
        get: () => handler,
        set: (fn: OnClose) => {
          handler = fn;
          const wrapped: OnClose = fn ? (ev) => fn({ code: RECONNECT_NOW_CODES.has(ev.code) ? 1006 : ev.code, reason: ev.reason }) : null;
          inherited.set!.call(this, wrapped);
        },
      });
    }
  } as unknown as SocketConstructor;
}

type Viewer = {
  client: LiveClient;
  sockets: number;
  closeCodes: number[];
  /** Local times after the SIGTERM: socket live again, first snapshot or event on it. */
  liveAt: number | null;
  dataAt: number | null;
};

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

function summary(xs: number[]) {
  return { n: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99), max: Math.max(...xs) };
}

async function main(): Promise<void> {
  const s = parseArgs(process.argv.slice(2));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "war-room-bench-restart-"));
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: "127.0.0.1", WAR_ROOM_DATA_DIR: dataDir, LOG_LEVEL: "warn", NODE_ENV: "production" as const };
  const url = `http://127.0.0.1:${port}`;
  const start = async (name: string) => {
    const p = spawnTs(name, "server.ts", ["--no-ui"], env);
    await waitReady(`${url}/health/ready`, p, 120_000);
    return p;
  };
  let current: Managed | null = null;
  const viewers: Viewer[] = [];
  try {
    current = await start("war-room-a");
    let t0: number | null = null;
    for (let i = 0; i < s.clients; i++) {
      const v: Viewer = { client: null as unknown as LiveClient, sockets: 0, closeCodes: [], liveAt: null, dataAt: null };
      const Socket = socketClass(i, s.client === "backoff", (ws) => {
        v.sockets++;
        ws.on("close", (code) => {
          if (t0 !== null) v.closeCodes.push(code);
        });
      });
      v.client = new LiveClient({ url: `ws://127.0.0.1:${port}/ws`, WebSocket: Socket, onHandlerError: () => undefined });
      const onData = () => {
        if (t0 !== null && v.liveAt !== null && v.dataAt === null) v.dataAt = Date.now();
      };
      v.client.subscribe("board", { onSnapshot: onData, onEvent: onData });
      v.client.onChange(() => {
        if (t0 !== null && v.liveAt === null && v.client.getInfo().state === "live") v.liveAt = Date.now();
      });
      v.client.start();
      viewers.push(v);
    }
    const deadline = Date.now() + 60_000;
    while (viewers.some((v) => v.client.cursorOf("board") === null)) {
      if (Date.now() > deadline) throw new Error("not every viewer got its first snapshot within 60 s");
      await sleep(100);
    }
    console.log(`${s.clients} viewers live (${s.client} client); SIGTERM`);

    t0 = Date.now();
    await stop(current, 15_000);
    const exitedAt = Date.now();
    current = null;
    if (s.delayStartS > 0) await sleep(s.delayStartS * 1000);
    const startedAt = Date.now();
    current = await start("war-room-b");
    const readyAt = Date.now();
    const until = Date.now() + 60_000;
    while (viewers.some((v) => v.dataAt === null) && Date.now() < until) await sleep(50);

    const back = viewers.filter((v) => v.dataAt !== null).map((v) => v.dataAt!);
    const codes: Record<string, number> = {};
    for (const v of viewers) {
      const first = v.closeCodes[0];
      codes[String(first)] = (codes[String(first)] ?? 0) + 1;
    }
    const result = {
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, load1: os.loadavg()[0] },
      params: s,
      exitMs: exitedAt - t0,
      replacementStartMs: readyAt - startedAt,
      replacementReadyMs: readyAt - t0,
      firstCloseCodes: codes,
      notBackWithin60s: viewers.length - back.length,
      dataAgainMsFromSigterm: summary(back.map((t) => t - t0!)),
      dataAgainMsFromReady: summary(back.map((t) => t - readyAt)),
      connectionAttempts: summary(viewers.map((v) => v.sockets - 1)),
    };
    console.log(JSON.stringify(result, null, 2));
    const r = result.dataAgainMsFromReady;
    console.log(`after the replacement was ready: p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms, max ${fmt(r.max)} ms`);
    const dir = path.join(ROOT, "bench/results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `restart-${result.at.replace(/:/g, "-").replace(/\.\d+Z$/, "Z")}.json`), JSON.stringify(result, null, 2) + "\n");
  } finally {
    for (const v of viewers) v.client.stop();
    if (current) await stop(current);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.on("SIGINT", () => {
  killAll();
  process.exit(130);
});
main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    killAll();
    process.exit(1);
  },
);
