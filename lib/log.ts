import pino, { type Logger } from "pino";

export type { Logger };

/** Structured JSON logs on stdout; `level: "silent"` in tests. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: "war-room" }, timestamp: pino.stdTimeFunctions.isoTime });
}
