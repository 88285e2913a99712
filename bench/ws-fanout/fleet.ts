import type { ClientKind, SocketIoClient, WorkerCommand, WorkerEvent } from "./ipc";
import { forkTs, sleep, stop, type Managed } from "./procs";
import type { WindowReport } from "./stats";

export type Connected = { ready: number; failed: number; errors: string[]; ms: number };

/** Forked client worker processes sharing N viewers (client-worker.ts), driven over IPC. */
export class ClientFleet {
  private readonly workers: Managed[] = [];
  private readonly waiting = new Map<Managed, ((e: WorkerEvent) => boolean)[]>();
  private readonly progress = new Map<Managed, number>();
  /** The first board tick a War Room viewer received, verbatim (when asked to capture one). */
  sample: string | null = null;

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const w = forkTs(`client-worker-${i}`, "bench/ws-fanout/client-worker.ts", []);
      w.child.on("message", (e: WorkerEvent) => this.onEvent(w, e));
      this.workers.push(w);
    }
  }

  private onEvent(w: Managed, e: WorkerEvent): void {
    if (e.ev === "sample") this.sample = e.frame;
    if (e.ev === "progress") this.progress.set(w, e.ready);
    const list = this.waiting.get(w) ?? [];
    const i = list.findIndex((accept) => accept(e));
    if (i >= 0) list.splice(i, 1);
  }

  private request<E extends WorkerEvent["ev"]>(w: Managed, cmd: WorkerCommand, expect: E, timeoutMs: number): Promise<Extract<WorkerEvent, { ev: E }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${w.name}: no "${expect}" within ${timeoutMs} ms\n${w.log.slice(-10).join("\n")}`)), timeoutMs);
      const accept = (e: WorkerEvent) => {
        if (e.ev !== expect) return false;
        clearTimeout(timer);
        resolve(e as Extract<WorkerEvent, { ev: E }>);
        return true;
      };
      if (!this.waiting.has(w)) this.waiting.set(w, []);
      this.waiting.get(w)!.push(accept);
      w.child.send(cmd);
    });
  }

  async connect(kind: ClientKind, sioClient: SocketIoClient, url: string, n: number, concurrency: number, captureSample: boolean): Promise<Connected> {
    const began = Date.now();
    const share = (i: number) => Math.floor(n / this.workers.length) + (i < n % this.workers.length ? 1 : 0);
    const tty = process.stdout.isTTY;
    const ticker = setInterval(() => {
      const ready = [...this.progress.values()].reduce((a, b) => a + b, 0);
      if (tty) process.stdout.write(`\r  connecting: ${ready}/${n}   `);
    }, 1_000);
    try {
      const done = await Promise.all(
        this.workers.map((w, i) =>
          this.request(w, { cmd: "connect", kind, sioClient, url, count: share(i), firstIndex: Array.from({ length: i }, (_, k) => share(k)).reduce((a, b) => a + b, 0), concurrency, captureSample: captureSample && i === 0 }, "connected", 180_000),
        ),
      );
      return {
        ready: done.reduce((a, e) => a + e.ready, 0),
        failed: done.reduce((a, e) => a + e.failed, 0),
        errors: done.flatMap((e) => e.errors),
        ms: Date.now() - began,
      };
    } finally {
      clearInterval(ticker);
      if (tty) process.stdout.write("\r\x1b[K");
    }
  }

  /** Tells every worker to count frames published in [t0, t1). */
  window(t0: number, t1: number): void {
    for (const w of this.workers) w.child.send({ cmd: "window", t0, t1 } satisfies WorkerCommand);
  }

  async report(): Promise<WindowReport[]> {
    const reps = await Promise.all(this.workers.map((w) => this.request(w, { cmd: "report" }, "report", 30_000)));
    return reps.map((e) => e.report);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        if (w.child.connected) w.child.send({ cmd: "close" } satisfies WorkerCommand);
        await Promise.race([w.exited, sleep(5_000)]);
        await stop(w, 1_000);
      }),
    );
  }
}
