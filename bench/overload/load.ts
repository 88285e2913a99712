/**
 * Load generator of bench/overload (a child process, so its CPU does not delay the parent's
 * probes): `connections` keep-alive HTTP connections to 127.0.0.1, each from its own loopback
 * address (the per-address rate limit, lib/server/rate-limit.ts, is not what this measures),
 * each sending at most `ratePerConnection` requests per second: a mix of incident reads and
 * timeline writes. The parent changes the number of connections by IPC and finally asks for
 * every request's record.
 */
import http from "node:http";
import { sleep } from "../ws-fanout/procs";

export type LoadCommand =
  | { type: "connections"; n: number }
  | { type: "report" };
/** One request: sent at (epoch ms), latency ms, status (0 = failed), Retry-After present (1/0). */
export type LoadRecord = [sentAt: number, ms: number, status: number, retryAfter: number];
export type LoadReply = { type: "report"; records: LoadRecord[] } | { type: "ready" };

const base = process.argv[2] ?? "";
const ratePerConnection = Number(process.argv[3] ?? 10);
const readIds = (process.argv[4] ?? "").split(",").filter(Boolean);
const writeIds = (process.argv[5] ?? "").split(",").filter(Boolean);
const REQUEST_TIMEOUT_MS = 10_000;
const period = 1000 / ratePerConnection;
const records: LoadRecord[] = [];
const loops: { stop: boolean }[] = [];

function request(agent: http.Agent, i: number): Promise<void> {
  const pick = i % 10;
  const write = pick < 2;
  const id = write ? writeIds[i % writeIds.length] : readIds[i % readIds.length];
  const path = write ? `/api/v1/incidents/${id}/timeline` : pick < 4 ? "/api/v1/incidents?status=all&limit=20" : `/api/v1/incidents/${id}`;
  const body = write ? JSON.stringify({ kind: "note", body: `load note ${i}` }) : undefined;
  const sentAt = Date.now();
  const t0 = performance.now();
  return new Promise((resolve) => {
    const done = (status: number, retryAfter: boolean) => {
      records.push([sentAt, performance.now() - t0, status, retryAfter ? 1 : 0]);
      resolve();
    };
    const req = http.request(
      `${base}${path}`,
      { method: write ? "POST" : "GET", agent, timeout: REQUEST_TIMEOUT_MS, headers: write ? { "content-type": "application/json", "x-war-room-user": "load" } : {} },
      (res) => {
        res.resume();
        res.once("end", () => done(res.statusCode ?? 0, res.headers["retry-after"] !== undefined));
        res.once("error", () => done(0, false));
      },
    );
    req.once("timeout", () => req.destroy(new Error("timeout")));
    req.once("error", () => done(0, false));
    req.end(body);
  });
}

async function connectionLoop(n: number, state: { stop: boolean }): Promise<void> {
  const localAddress = `127.0.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress });
  // Spread the connections over the period so they do not fire in step.
  await sleep(Math.random() * period);
  let i = n;
  while (!state.stop) {
    const t = Date.now();
    await request(agent, i++);
    await sleep(t + period - Date.now());
  }
  agent.destroy();
}

process.on("message", (m: LoadCommand) => {
  if (m.type === "connections") {
    while (loops.length < m.n) {
      const state = { stop: false };
      void connectionLoop(loops.length, state);
      loops.push(state);
    }
    while (loops.length > m.n) loops.pop()!.stop = true;
  } else if (m.type === "report") {
    process.send?.({ type: "report", records } satisfies LoadReply);
  }
});
process.send?.({ type: "ready" } satisfies LoadReply);
