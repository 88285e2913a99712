/**
 * Minimal Socket.IO server for the side-by-side comparison: websocket transport only,
 * permessage-deflate off, every client in the default namespace, and one `io.emit` per
 * publish carrying a captured War Room board tick in the same envelope War Room sends
 * (type, channel, epoch, seq, time, event, data), so the payload is the same size.
 *
 *   tsx bench/ws-fanout/socketio-server.ts --frame tick.json --port 0 --rate 1
 *
 * Forked by run.ts, which changes the rate over IPC. Bench-only; binds 127.0.0.1.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { Ticker, argValue, controlFromParent, readCapturedTick } from "./ticker";

const frameFile = argValue("--frame");
if (!frameFile) {
  console.error("usage: socketio-server.ts --frame <captured-tick.json> [--port 0] [--rate 1]");
  process.exit(2);
}
const data = readCapturedTick(frameFile);
const epoch = `${Date.now().toString(36)}-socketio`;

const http = createServer((req, res) => {
  if (req.url === "/health/ready" || req.url === "/health/live") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"status":"ready"}');
    return;
  }
  res.writeHead(404).end();
});
const io = new Server(http, {
  transports: ["websocket"],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  cors: { origin: false },
});

let seq = 0;
const ticker = new Ticker((slotTime) => {
  io.emit("board", { type: "event", channel: "board", epoch, seq: ++seq, time: Date.now(), event: "tick", data: { t: slotTime, points: data.points } });
});

http.listen(Number(argValue("--port", "0")), "127.0.0.1", () => {
  const port = (http.address() as AddressInfo).port;
  ticker.setRate(Number(argValue("--rate", "1")));
  controlFromParent(ticker, port);
  if (!process.send) console.log(`socket.io bench server on http://127.0.0.1:${port}`);
});

const stop = () => {
  ticker.stop();
  void io.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
