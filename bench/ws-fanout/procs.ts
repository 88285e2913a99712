/**
 * Child processes of the bench: every one is registered so it can be killed on exit, error
 * or SIGINT; plus /proc readings (RSS, CPU time) and small waits. Linux only.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import WebSocket from "ws";

export const ROOT = path.resolve(import.meta.dirname, "../..");
const TSX = ["--import", "tsx"];
const children = new Set<ChildProcess>();

function track(child: ChildProcess, name: string, keepLog: boolean): Managed {
  children.add(child);
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    if (!keepLog) return;
    for (const line of chunk.toString().split("\n")) if (line.trim()) log.push(line);
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  void exited.then(() => children.delete(child));
  return { name, child, pid: child.pid!, log, exited };
}

export type Managed = { name: string; child: ChildProcess; pid: number; log: string[]; exited: Promise<number | null> };

/** `node --import tsx <script> …` with its own stdout/stderr kept (last 200 lines). */
export function spawnTs(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Managed {
  const child = spawn(process.execPath, [...TSX, ...nodeArgs, script, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  return track(child, name, true);
}

/** A plain ES module (no tsx), e.g. the production server bundle (scripts/server-bundle.mjs). */
export function spawnNode(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Managed {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  return track(child, name, true);
}

/** Like spawnTs, with an IPC channel (process.send) to the child. */
export function forkTs(name: string, script: string, args: string[], env: NodeJS.ProcessEnv = process.env, nodeArgs: string[] = []): Managed {
  const child = fork(path.resolve(ROOT, script), args, { cwd: ROOT, env, execArgv: [...TSX, ...nodeArgs], stdio: ["ignore", "pipe", "pipe", "ipc"] });
  return track(child, name, true);
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(p: Managed, graceMs = 5_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill("SIGTERM");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/** Synchronous last resort: SIGKILL every child still running. */
export function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
}

export function liveChildren(): number {
  return children.size;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function waitReady(url: string, p: Managed, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null) throw new Error(`${p.name} exited with ${p.child.exitCode}:\n${p.log.slice(-20).join("\n")}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${p.name} not ready at ${url} within ${timeoutMs} ms:\n${p.log.slice(-20).join("\n")}`);
}

/**
 * Full garbage collection in a child started with `--inspect=127.0.0.1:0`, through the
 * inspector protocol (HeapProfiler.collectGarbage), so RSS readings do not depend on when V8
 * last collected. False when the child has no inspector or did not answer.
 */
export async function collectGarbage(p: Managed, timeoutMs = 15_000): Promise<boolean> {
  const line = p.log.find((l) => l.includes("Debugger listening on ws://"));
  if (!line) return false;
  const url = line.slice(line.indexOf("ws://")).trim();
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      ws.terminate();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    ws.on("open", () => ws.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" })));
    ws.on("message", (d: Buffer) => {
      const m = JSON.parse(d.toString()) as { id?: number; error?: unknown };
      if (m.id === 1) finish(!m.error);
    });
    ws.on("error", () => finish(false));
  });
}

/** VmRSS of a process in KiB. */
export function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU time of a process in ms. */
export function cpuMs(pid: number): number {
  const { user, system } = cpuSplitMs(pid);
  return user + system;
}

/** User and system (kernel: socket writes, TCP) CPU time of a process in ms. */
export function cpuSplitMs(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: (Number(fields[11]) * 1000) / TICKS_PER_SECOND, system: (Number(fields[12]) * 1000) / TICKS_PER_SECOND };
}

/** CPU time all cores spent busy (not idle or waiting on I/O) since boot, in ms. */
export function machineBusyMs(): number {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return ((user + nice + system + irq + softirq + steal) * 1000) / TICKS_PER_SECOND;
}

/** Soft limit on open files of this process (children inherit it). */
export function openFilesLimit(): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync("/proc/self/limits", "utf8"));
  return !m || m[1] === "unlimited" ? Infinity : Number(m[1]);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
export const sleepUntil = (t: number) => sleep(t - Date.now());
