import pino, { type Logger } from "pino";

export type { Logger };

/** Structured JSON logs on stdout; `level: "silent"` in tests. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const opts = { level, base: { app: "war-room" }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(opts, destination) : pino(opts);
}
