/** The inspector WebSocket URL a child started with `--inspect=127.0.0.1:0` printed (bench/ws-fanout/procs.ts keeps its log). */
export function inspectorUrl(log: readonly string[]): string | null {
  const line = log.find((l) => l.includes("Debugger listening on ws://"));
  return line ? line.slice(line.indexOf("ws://")).trim() : null;
}
