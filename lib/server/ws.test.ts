import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { Hub } from "../live/hub";
import { createLogger } from "../log";
import { CLOSE_TOO_SLOW, LiveSockets } from "./ws";

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** LiveSockets on a loopback port, with a board channel and a small per-socket bound. */
async function serve(maxQueuedBytes: number) {
  const hub = new Hub({
    serverId: "s",
    version: "1",
    epoch: "e",
    tickMs: 1000,
    heartbeatMs: 15_000,
    now: () => Date.now(),
    // The channel would let far more queue up than the socket bound: the bound is what stops it.
    backpressure: { highWaterBytes: 64 << 20, lowWaterBytes: 1 << 20 },
  });
  hub.route("board", () => ({ historyLimit: 10, lossless: false, snapshot: () => ({}) }));
  const sockets = new LiveSockets({ hub, logger: createLogger("silent"), maxQueuedBytes });
  const server: Server = createServer();
  server.on("upgrade", (req, socket, head) => void sockets.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup.push(async () => {
    sockets.terminateAll();
    await new Promise((r) => server.close(r));
  });
  return { hub, sockets, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws` };
}

describe("LiveSockets send bound", () => {
  it("closes a socket that does not read once more than maxQueuedBytes wait for it, with 4008", async () => {
    const { hub, url } = await serve(1 << 20);
    const ws = new WebSocket(url);
    cleanup.push(async () => ws.terminate());
    const snapshot = new Promise<void>((resolve) => ws.on("message", (m) => JSON.parse(m.toString()).type === "snapshot" && resolve()));
    await new Promise((r) => ws.once("open", r));
    ws.send(JSON.stringify({ type: "subscribe", channel: "board" }));
    await snapshot;
    (ws as unknown as { _socket: Socket })._socket.pause();
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    const filler = { x: "x".repeat(256 * 1024) };
    const deadline = Date.now() + 10_000;
    while (hub.stats().connections > 0 && Date.now() < deadline) {
      // Past the kernel's socket buffers the server queues; over 1 MiB the next send closes.
      hub.publish("board", "filler", filler);
      if (hub.stats().maxQueuedBytes > 1 << 20) break;
      await new Promise((r) => setImmediate(r));
    }
    hub.publish("board", "filler", filler);
    (ws as unknown as { _socket: Socket })._socket.resume();
    expect(await closed).toBe(CLOSE_TOO_SLOW);
  });
});
