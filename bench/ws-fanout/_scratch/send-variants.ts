// Scratch: server CPU per frame for ws.send(string) vs ws.send(Buffer) vs one pre-framed buffer.
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import WebSocket, { WebSocketServer, Sender } from "ws";

const role = process.argv[2];
if (role === "client") {
  const n = Number(process.argv[3]);
  const port = Number(process.argv[4]);
  let open = 0;
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    ws.on("open", () => { if (++open === n) process.send?.("ready"); });
    ws.on("message", (raw: Buffer) => { JSON.parse(raw.toString()); });
  }
} else {
  const frameText = readFileSync(process.argv[3], "utf8");
  const N = 250, RATE = 100, SECS = 5;
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  http.listen(0, "127.0.0.1", async () => {
    const port = (http.address() as { port: number }).port;
    const kids = [0, 1].map(() => fork(process.argv[1], ["client", String(N / 2), String(port)], { execArgv: ["--import", "tsx"] }));
    await Promise.all(kids.map((k) => new Promise((r) => k.once("message", r))));
    const variants: Record<string, (seq: number) => void> = {
      string: (seq) => { const f = frameText.replace('"seq":1', `"seq":${seq}`); for (const ws of wss.clients) ws.send(f); },
      buffer: (seq) => { const b = Buffer.from(frameText.replace('"seq":1', `"seq":${seq}`)); for (const ws of wss.clients) ws.send(b); },
      preframed: (seq) => {
        const b = Buffer.from(frameText.replace('"seq":1', `"seq":${seq}`));
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const list = (Sender as any).frame(b, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false });
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        for (const ws of wss.clients) (ws as any)._sender.sendFrame(list);
      },
    };
    const results: Record<string, number[][]> = {};
    let seq = 1;
    for (let round = 0; round < 3; round++) for (const [name, fn] of Object.entries(variants)) {
      await new Promise<void>((resolve) => {
        const c0 = process.cpuUsage();
        let k = 0;
        const t = setInterval(() => { fn(++seq); if (++k === RATE * SECS) { clearInterval(t); const c = process.cpuUsage(c0); (results[name] ??= []).push([c.user / (N * k), c.system / (N * k)]); resolve(); } }, 1000 / RATE);
      });
    }
    for (const [name, xs] of Object.entries(results)) console.log(name.padEnd(10), xs.map(([u, s]) => `${(u + s).toFixed(1)}µs (user ${u.toFixed(1)} sys ${s.toFixed(1)})`).join("  "));
    for (const k of kids) k.kill();
    process.exit(0);
  });
}
