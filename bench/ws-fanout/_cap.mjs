import WebSocket from "ws";
const ws = new WebSocket("ws://127.0.0.1:39123/ws");
ws.on("message", (d) => { const s = d.toString(); const m = JSON.parse(s);
  if (m.type === "hello") ws.send(JSON.stringify({type:"subscribe",channel:"board"}));
  else if (m.type === "snapshot") console.log("snapshot bytes", s.length);
  else if (m.type === "event") { console.log("event bytes", s.length, "lat", Date.now()-m.time); console.log(s.slice(0,300)); ws.close(); } });
