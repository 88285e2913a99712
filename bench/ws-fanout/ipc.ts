import type { WindowReport } from "./stats";

/** Which server the clients talk to. */
export type ClientKind = "warroom" | "socketio";

/**
 * How a Socket.IO viewer is implemented: the real socket.io-client, or a bare `ws` socket
 * speaking Engine.IO 4 / Socket.IO 5 by hand (so both systems' clients cost the same CPU).
 */
export type SocketIoClient = "lib" | "raw";

/** Orchestrator → client worker. */
export type WorkerCommand =
  /** `firstIndex`: the fleet-wide index of this worker's first viewer (it picks the viewers' source addresses). */
  | { cmd: "connect"; kind: ClientKind; sioClient: SocketIoClient; url: string; count: number; firstIndex: number; concurrency: number; captureSample: boolean }
  | { cmd: "window"; t0: number; t1: number }
  | { cmd: "report" }
  | { cmd: "close" };

/** Client worker → orchestrator. */
export type WorkerEvent =
  | { ev: "progress"; ready: number; failed: number }
  | { ev: "connected"; ready: number; failed: number; errors: string[] }
  | { ev: "sample"; frame: string }
  | { ev: "report"; report: WindowReport; closed: number }
  | { ev: "closed" };

/** Orchestrator → bench-only fast publisher (warroom-fast.ts, socketio-server.ts). */
export type PublisherCommand = { cmd: "rate"; hz: number } | { cmd: "stats"; t0: number; t1: number };

/** Bench-only server → orchestrator. `publishMs`: duration of each synchronous publish call in [t0, t1). */
export type PublisherEvent = { ev: "listening"; port: number } | { ev: "rate"; hz: number } | { ev: "stats"; publishMs: number[] };
