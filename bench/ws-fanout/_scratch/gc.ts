import WebSocket from "ws";
const ws = new WebSocket(process.argv[2]);
ws.on("open", () => ws.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" })));
ws.on("message", (d: Buffer) => { console.log(d.toString().slice(0, 200)); ws.close(); });
