import * as wsModule from "ws";
import type { WebSocket } from "ws";
import { frameText, type Frame, type OutFrame } from "../live/frame";

/**
 * The pre-framed send path (docs/architecture.md "Send path"). `ws.send(string)` measures,
 * UTF-8-encodes and frames the string again for every socket; a fan-out frame is framed once
 * here (`Sender.frame`, unmasked as server frames are) and the same Buffer is written to every
 * socket, as engine.io does with `wsPreEncodedFrame` (node_modules/engine.io/build/transports/websocket.js).
 */
type FrameOptions = { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean };
type SenderStatic = { frame(data: Buffer, options: FrameOptions): Buffer[] };
/** The parts of ws's Sender the fast path relies on (ws 8, lib/sender.js). */
type SenderInternals = { _state?: unknown; _queue?: unknown[]; sendFrame?: (list: Buffer[], cb?: (err?: Error) => void) => void };

const Sender = (wsModule as unknown as { Sender?: SenderStatic }).Sender;
const TEXT = 0x1;

/** One text frame with header and payload in one Buffer (one write per socket). */
export function encodeTextFrame(text: string): Buffer {
  if (!Sender) return Buffer.from(text);
  return Buffer.concat(Sender.frame(Buffer.from(text), { fin: true, opcode: TEXT, mask: false, readOnly: true, rsv1: false }));
}

/** Frames sent through the pre-framed path and through `ws.send` (for tests and /metrics). */
export const sendStats = { preframed: 0, plain: 0 };

/**
 * Writes `frame` to `ws`. A shared frame goes out as its pre-built bytes when ws's sender is idle
 * (state 0 and nothing queued: it writes synchronously, so our bytes land in order with its own
 * pings, pongs, closes and sends); otherwise, or with another ws version, through `ws.send`,
 * which queues behind whatever it holds. Compression is off on /ws (lib/server/ws.ts), so the sender
 * never goes busy deflating and the fast path is the normal one.
 */
export function sendFrame(ws: WebSocket, frame: Frame): void {
  if (typeof frame !== "string" && Sender) {
    const sender = (ws as unknown as { _sender?: SenderInternals })._sender;
    if (sender && sender._state === 0 && sender._queue?.length === 0 && typeof sender.sendFrame === "function") {
      sender.sendFrame([(frame as OutFrame).encoding(encodeTextFrame)]);
      sendStats.preframed++;
      return;
    }
  }
  ws.send(frameText(frame));
  sendStats.plain++;
}
