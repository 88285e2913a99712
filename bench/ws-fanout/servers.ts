import type { ClientKind, PublisherCommand, PublisherEvent } from "./ipc";
import { forkTs, freePort, spawnTs, waitReady, type Managed } from "./procs";

export type ServerHandle = {
  proc: Managed;
  url: string;
  /** What the client workers connect to. */
  connectUrl: string;
  /** Bench-only publishers change their rate; the real server ticks at 1 Hz and ignores this. */
  setRate(hz: number): void;
  /** Durations (ms) of the synchronous publish calls in [t0, t1); null for the real server. */
  publishDurations(t0: number, t1: number): Promise<number[] | null>;
};

function serverEnv(port: number, dataDir: string): NodeJS.ProcessEnv {
  return { ...process.env, PORT: String(port), HOST: "127.0.0.1", WAR_ROOM_DATA_DIR: dataDir, LOG_LEVEL: "warn", NODE_ENV: "production" as const };
}

/** The inspector (127.0.0.1, random port) lets the bench force a full GC before reading RSS. */
const NODE_ARGS = ["--max-old-space-size=4096", "--inspect=127.0.0.1:0"];

/** The real thing: `node --import tsx server.ts --no-ui`, 1 Hz board tick, fresh data folder. */
export async function startWarRoomServer(dataDir: string): Promise<ServerHandle> {
  const port = await freePort();
  const proc = spawnTs("war-room", "server.ts", ["--no-ui"], serverEnv(port, dataDir), NODE_ARGS);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health/ready`, proc, 60_000);
  return { proc, url, connectUrl: `ws://127.0.0.1:${port}/ws`, setRate: () => undefined, publishDurations: async () => null };
}

/** warroom-fast.ts or socketio-server.ts, forked with an IPC channel for the rate knob. */
export async function startPublisher(kind: ClientKind, frameFile: string, dataDir: string, hz: number): Promise<ServerHandle> {
  const port = await freePort();
  const script = kind === "warroom" ? "bench/ws-fanout/warroom-fast.ts" : "bench/ws-fanout/socketio-server.ts";
  const args = ["--frame", frameFile, "--port", String(port), "--rate", String(hz)];
  const proc = forkTs(kind === "warroom" ? "war-room-fast" : "socketio-server", script, args, serverEnv(port, dataDir), NODE_ARGS);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health/ready`, proc, 60_000);
  return {
    proc,
    url,
    connectUrl: kind === "warroom" ? `ws://127.0.0.1:${port}/ws` : url,
    setRate: (r) => proc.child.send({ cmd: "rate", hz: r } satisfies PublisherCommand),
    publishDurations: (t0, t1) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => done(null), 5_000);
        const onMessage = (e: PublisherEvent) => {
          if (e.ev === "stats") done(e.publishMs);
        };
        const done = (v: number[] | null) => {
          clearTimeout(timer);
          proc.child.off("message", onMessage);
          resolve(v);
        };
        proc.child.on("message", onMessage);
        proc.child.send({ cmd: "stats", t0, t1 } satisfies PublisherCommand);
      }),
  };
}
