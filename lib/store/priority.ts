import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Marks store work done on behalf of an HTTP request. SQLite has one connection
 * (lib/store/sqlite-worker-dialect.ts): under load a queue of requests forms at it, and the tick
 * job (lib/ingest/recorder.ts), which never overlaps itself, would wait behind that queue and
 * skip its next slot. Work outside a request (ticks, alert evaluation, jobs) goes first.
 */
const requestWork = new AsyncLocalStorage<true>();

/** Runs `fn` as request work: its store statements queue behind background work. */
export function asRequestWork<T>(fn: () => T): T {
  return requestWork.run(true, fn);
}

export function isRequestWork(): boolean {
  return requestWork.getStore() === true;
}
