/**
 * One serialized server message that goes to many connections. The transport encodes it once
 * (lib/server/ws.ts builds the WebSocket frame bytes) and writes the same bytes to every socket,
 * instead of measuring, encoding and framing the string again per socket.
 */
export class OutFrame {
  private encoder: ((text: string) => unknown) | null = null;
  private encoded: unknown = null;
  constructor(readonly text: string) {}

  /** The transport's encoding of this frame, built by `encode` on first use and shared afterwards. */
  encoding<T>(encode: (text: string) => T): T {
    if (this.encoder !== encode) {
      this.encoded = encode(this.text);
      this.encoder = encode;
    }
    return this.encoded as T;
  }
}

/** What a subscriber is sent: a per-connection string, or a frame shared by a fan-out. */
export type Frame = string | OutFrame;

export function frameText(frame: Frame): string {
  return typeof frame === "string" ? frame : frame.text;
}
