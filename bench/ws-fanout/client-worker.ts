/**
 * One client process of the fan-out bench (forked by run.ts): opens `count` viewers of one
 * kind, subscribes them to the board, and measures board events published inside the
 * window it is given. Both kinds are measured the same way: the message is decoded by the
 * client stack (JSON.parse for War Room, socket.io-client's own decoder for Socket.IO), then
 * latency = Date.now() − msg.time, i.e. publish → the moment application code has the frame.
 */
import WebSocket from "ws";
import { io, type Socket } from "socket.io-client";
import { LatencyHistogram, SeqTracker, type WindowReport } from "./stats";
import type { ClientKind, SocketIoClient, WorkerCommand, WorkerEvent } from "./ipc";

type Viewer = { seq: SeqTracker; subscribed: boolean; close(): void };
type BoardEvent = { type: string; seq: number; time: number };

const send = (e: WorkerEvent) => process.send?.(e);
const viewers: Viewer[] = [];
let ready = 0;
let failed = 0;
let closed = 0;
const errors = new Map<string, number>();

let win: { t0: number; t1: number } | null = null;
let hist = new LatencyHistogram();
let received = 0;
let gapFrames = 0;
let resyncs = 0;
let minSeq: number | null = null;
let maxSeq: number | null = null;
let cpuAtStart: NodeJS.CpuUsage | null = null;
let cpuInWindow: NodeJS.CpuUsage | null = null;
let sample: ((raw: string) => void) | null = null;

function onEvent(v: Viewer, msg: BoardEvent): void {
  const now = Date.now();
  const gap = v.seq.gap(msg.seq);
  if (win === null || msg.time < win.t0 || msg.time >= win.t1) return;
  received++;
  gapFrames += gap;
  hist.record(now - msg.time);
  if (minSeq === null || msg.seq < minSeq) minSeq = msg.seq;
  if (maxSeq === null || msg.seq > maxSeq) maxSeq = msg.seq;
}

function onSnapshot(v: Viewer, seq: number, time: number): void {
  v.seq.reset(seq);
  if (!v.subscribed) {
    v.subscribed = true;
    ready++;
  } else if (win !== null && time >= win.t0 && time < win.t1) resyncs++;
}

function noteError(why: string): void {
  errors.set(why, (errors.get(why) ?? 0) + 1);
}

/**
 * War Room allows 50 open sockets per client address (lib/server/rate-limit.ts), so viewers come
 * from 40 per loopback address: 127.0.1.1, 127.0.1.2, … (all of 127/8 is loopback on Linux).
 */
const PER_ADDRESS = 40;
function sourceAddress(index: number): string {
  const k = Math.floor(index / PER_ADDRESS);
  return `127.0.${1 + Math.floor(k / 250)}.${1 + (k % 250)}`;
}

function openWarRoom(url: string, index: number, done: () => void): Viewer {
  const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 30_000, localAddress: sourceAddress(index) });
  const v: Viewer = { seq: new SeqTracker(), subscribed: false, close: () => ws.terminate() };
  let settled = false;
  const settle = () => {
    if (!settled) {
      settled = true;
      done();
    }
  };
  ws.on("message", (raw: Buffer) => {
    const text = raw.toString();
    const msg = JSON.parse(text) as BoardEvent & { channel?: string; event?: string };
    if (msg.type === "event") {
      if (sample && msg.channel === "board" && msg.event === "tick") {
        sample(text);
        sample = null;
      }
      onEvent(v, msg);
    } else if (msg.type === "hello") ws.send('{"type":"subscribe","channel":"board"}');
    else if (msg.type === "snapshot") {
      onSnapshot(v, msg.seq, msg.time);
      settle();
    } else if (msg.type === "error") noteError(`server error frame: ${text.slice(0, 120)}`);
  });
  ws.on("error", (err) => noteError(err.message));
  ws.on("close", (code) => {
    if (v.subscribed) closed++;
    else {
      failed++;
      noteError(`closed before subscribed (${code})`);
    }
    settle();
  });
  return v;
}

function openSocketIo(url: string, _index: number, done: () => void): Viewer {
  const s: Socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false, timeout: 30_000 });
  const v: Viewer = { seq: new SeqTracker(), subscribed: false, close: () => s.disconnect() };
  // Socket.IO has no snapshot: the viewer counts as subscribed once connected (io.emit reaches it).
  s.on("connect", () => {
    v.subscribed = true;
    ready++;
    done();
  });
  s.on("board", (msg: BoardEvent) => onEvent(v, msg));
  s.on("connect_error", (err) => {
    failed++;
    noteError(err.message);
    done();
  });
  s.on("disconnect", (reason) => {
    if (reason === "io client disconnect") return;
    closed++;
    noteError(`disconnect: ${reason}`);
  });
  return v;
}

/**
 * A Socket.IO viewer without socket.io-client: `ws` plus the few Engine.IO 4 / Socket.IO 5
 * packets a broadcast receiver needs (open → connect "40", ping "2" → pong "3", event "42[…]").
 * Same per-frame work as the War Room viewer: one toString and one JSON.parse.
 */
function openSocketIoRaw(url: string, _index: number, done: () => void): Viewer {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false, handshakeTimeout: 30_000 });
  const v: Viewer = { seq: new SeqTracker(), subscribed: false, close: () => ws.terminate() };
  let settled = false;
  const settle = () => {
    if (!settled) {
      settled = true;
      done();
    }
  };
  ws.on("message", (raw: Buffer) => {
    const text = raw.toString();
    if (text.startsWith("42")) {
      const [name, msg] = JSON.parse(text.slice(2)) as [string, BoardEvent];
      if (name === "board") onEvent(v, msg);
    } else if (text === "2") ws.send("3");
    else if (text.startsWith("0{")) ws.send("40");
    else if (text.startsWith("40")) {
      v.subscribed = true;
      ready++;
      settle();
    } else if (text.startsWith("44")) noteError(`connect_error ${text.slice(2, 120)}`);
  });
  ws.on("error", (err) => noteError(err.message));
  ws.on("close", (code) => {
    if (v.subscribed) closed++;
    else {
      failed++;
      noteError(`closed before connected (${code})`);
    }
    settle();
  });
  return v;
}

async function connectAll(kind: ClientKind, sioClient: SocketIoClient, url: string, count: number, firstIndex: number, concurrency: number): Promise<void> {
  const open = kind === "warroom" ? openWarRoom : sioClient === "raw" ? openSocketIoRaw : openSocketIo;
  const progress = setInterval(() => send({ ev: "progress", ready, failed }), 500);
  let next = 0;
  await new Promise<void>((resolve) => {
    let inFlight = 0;
    const pump = () => {
      while (inFlight < concurrency && next < count) {
        inFlight++;
        next++;
        viewers.push(
          open(url, firstIndex + next - 1, () => {
            inFlight--;
            if (next < count) pump();
            else if (inFlight === 0) resolve();
          }),
        );
      }
    };
    pump();
  });
  clearInterval(progress);
  send({ ev: "connected", ready, failed, errors: [...errors].map(([e, n]) => `${n}× ${e}`) });
}

function report(): WindowReport {
  const cpu = cpuInWindow ?? (cpuAtStart ? process.cpuUsage(cpuAtStart) : { user: 0, system: 0 });
  return {
    clients: viewers.length,
    open: viewers.length - closed - failed,
    received,
    gapFrames,
    resyncs,
    minSeq,
    maxSeq,
    latency: hist.toJSON(),
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

process.on("message", (m: WorkerCommand) => {
  switch (m.cmd) {
    case "connect":
      if (m.captureSample) sample = (frame) => send({ ev: "sample", frame });
      void connectAll(m.kind, m.sioClient, m.url, m.count, m.firstIndex, m.concurrency);
      return;
    case "window": {
      win = { t0: m.t0, t1: m.t1 };
      hist = new LatencyHistogram();
      received = gapFrames = resyncs = 0;
      minSeq = maxSeq = null;
      cpuAtStart = cpuInWindow = null;
      setTimeout(() => (cpuAtStart = process.cpuUsage()), Math.max(0, m.t0 - Date.now()));
      setTimeout(() => (cpuInWindow = cpuAtStart ? process.cpuUsage(cpuAtStart) : null), Math.max(0, m.t1 - Date.now()));
      return;
    }
    case "report":
      send({ ev: "report", report: report(), closed });
      return;
    case "close":
      for (const v of viewers) v.close();
      setTimeout(() => {
        send({ ev: "closed" });
        process.exit(0);
      }, 300);
      return;
  }
});
process.on("disconnect", () => process.exit(0));
