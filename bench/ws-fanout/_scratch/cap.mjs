import WebSocket from "ws";
import { writeFileSync } from "node:fs";
const ws = new WebSocket(process.argv[2]);
ws.on("message", (d) => { const s = d.toString(); const m = JSON.parse(s);
  if (m.type === "hello") ws.send(JSON.stringify({type:"subscribe",channel:"board"}));
  else if (m.type === "event" && m.event === "tick") { writeFileSync(process.argv[3], s); ws.close(); } });
