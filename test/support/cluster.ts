/**
 * Several real War Room processes (`server.ts --no-ui`) sharing one fresh PostgreSQL database and
 * one Redis key prefix, optionally behind Debian's HAProxy (roundrobin, no stickiness, health
 * checks on /health/ready), as an operator would run them. Used by the cluster tests and by
 * bench/cluster. Every process is killed by its PID on close(), and on process exit if close()
 * never ran; the database is dropped and the Redis keys are deleted.
 *
 * No vitest import here: the benchmark uses the same harness.
 */
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { demoConfig } from "../../lib/config/demo";
import type { ConfigInput } from "../../lib/config/schema";
import { assertLocalDatabaseUrl } from "../../lib/store/testing/local-database";
import { freePort, waitFor } from "./prometheus";

const run = promisify(execFile);

export const ROOT = resolve(import.meta.dirname, "../..");
export const HAPROXY_BIN = process.env.HAPROXY_BIN ?? "/usr/sbin/haproxy";
const INSTANCE_IDS = "abcdefghijklmnopqrstuvwxyz".split("");
const LOG_LINES = 4000;

export function hasHaproxy(): boolean {
  try {
    accessSync(HAPROXY_BIN, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** PostgreSQL and Redis to run against (the CI script exports both when the services answer), or null. */
export function clusterServices(): { databaseUrl: string; redisUrl: string } | null {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  return databaseUrl && redisUrl ? { databaseUrl, redisUrl } : null;
}

/** What `/health` says about clustering (CONTRACT: the `cluster` block); null fields when absent. */
export type ClusterHealth = {
  mode: "single" | "cluster" | null;
  instanceId: string | null;
  role: "leader" | "follower" | null;
  term: number | null;
  leader: string | null;
};

export type ClusterOptions = {
  instances: number;
  /** HAProxy in front (default true). */
  balancer?: boolean;
  /** Changes to the demo config written for every instance. */
  configure?: (c: ConfigInput) => ConfigInput;
  /** Extra environment for every instance. */
  env?: Record<string, string>;
  /** Per instance, from spawn to /health/ready 200. */
  readyTimeoutMs?: number;
  /** Instances' LOG_LEVEL (default warn). */
  logLevel?: string;
};

export class Instance {
  readonly id: string;
  port = 0;
  child: ChildProcess | null = null;
  exited: Promise<void> = Promise.resolve();
  /** Date.now() of the last kill9/sigterm. */
  stoppedAt: number | null = null;

  constructor(id: string) {
    this.id = id;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get alive(): boolean {
    return this.child !== null;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }
}

/** Every cluster not closed yet, for the exit safeguard. */
const open = new Set<Cluster>();
process.once("exit", () => {
  for (const c of open) c.killNowSync();
});

export class Cluster {
  readonly instances: Instance[] = [];
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly database: string;
  /** WAR_ROOM_CLUSTER_PREFIX of this cluster (its Redis keys start with it). */
  readonly prefix: string;
  readonly dir: string;
  balancerPort = 0;
  private haproxy: ChildProcess | null = null;
  private haproxyExited: Promise<void> = Promise.resolve();
  private readonly opts: ClusterOptions;
  private readonly adminUrl: URL;
  private readonly configFile: string;
  private readonly lines: string[] = [];
  private closed = false;

  private constructor(services: { databaseUrl: string; redisUrl: string }, opts: ClusterOptions) {
    assertLocalDatabaseUrl(services.databaseUrl);
    const rand = randomBytes(4).toString("hex");
    this.opts = opts;
    this.adminUrl = new URL(services.databaseUrl);
    this.database = `wr_cluster_${rand}`;
    const db = new URL(services.databaseUrl);
    db.pathname = `/${this.database}`;
    this.databaseUrl = db.toString();
    this.redisUrl = services.redisUrl;
    this.prefix = `wrtest-${rand}`;
    this.dir = mkdtempSync(join(tmpdir(), "war-room-cluster-"));
    this.configFile = join(this.dir, "war-room.yaml");
    const config = opts.configure ? opts.configure(structuredClone(demoConfig)) : structuredClone(demoConfig);
    // JSON is YAML. tickSeconds 1: the board ticks every second (the failover figures depend on it).
    writeFileSync(this.configFile, JSON.stringify({ ...config, tickSeconds: 1 }, null, 2));
  }

  /** Creates the database, starts `instances` War Rooms (the first, then the rest in parallel) and, unless told not to, HAProxy in front. */
  static async start(opts: ClusterOptions, services = clusterServices()): Promise<Cluster> {
    if (!services) throw new Error("the cluster harness needs DATABASE_URL and REDIS_URL");
    const c = new Cluster(services, opts);
    open.add(c);
    try {
      await c.pg("createdb", c.database);
      for (let i = 0; i < opts.instances; i++) c.instances.push(new Instance(INSTANCE_IDS[i]));
      // The first instance migrates the fresh database and backfills its minute rollups; the others
      // then find them stored (as in a rolling deployment) instead of all writing the same rows at once.
      await c.launch(c.instances[0]);
      await Promise.all(c.instances.slice(1).map((inst) => c.launch(inst)));
      if (opts.balancer !== false) await c.startBalancer();
      return c;
    } catch (err) {
      const logs = c.logs();
      await c.close();
      throw new Error(`${(err as Error).message}\n--- cluster logs ---\n${logs}`);
    }
  }

  get balancerUrl(): string {
    if (!this.balancerPort) throw new Error("this cluster has no balancer");
    return `http://127.0.0.1:${this.balancerPort}`;
  }

  get balancerWsUrl(): string {
    return `${this.balancerUrl.replace("http", "ws")}/ws`;
  }

  get alive(): Instance[] {
    return this.instances.filter((i) => i.alive);
  }

  instance(id: string): Instance {
    const i = this.instances.find((x) => x.id === id);
    if (!i) throw new Error(`no instance ${id}`);
    return i;
  }

  /** The children's output, each line prefixed with its process ([a], [b], [haproxy]); the last lines only. */
  logs(): string {
    return this.lines.join("\n");
  }

  /** Starts one more instance (not in the balancer's server list: for tests without HAProxy). */
  async add(): Promise<Instance> {
    const inst = new Instance(INSTANCE_IDS[this.instances.length]);
    this.instances.push(inst);
    await this.launch(inst);
    return inst;
  }

  /** SIGKILL, as a crash would; resolves once the process is gone. */
  async kill9(inst: Instance): Promise<void> {
    const child = inst.child;
    if (!child) throw new Error(`instance ${inst.id} is not running`);
    inst.stoppedAt = Date.now();
    child.kill("SIGKILL");
    await inst.exited;
  }

  /** SIGTERM (graceful shutdown), SIGKILL after `graceMs`. */
  async sigterm(inst: Instance, graceMs = 15_000): Promise<void> {
    const child = inst.child;
    if (!child) throw new Error(`instance ${inst.id} is not running`);
    inst.stoppedAt = Date.now();
    child.kill("SIGTERM");
    const hard = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await inst.exited;
    clearTimeout(hard);
  }

  /** Starts a stopped instance again on its port (HAProxy's health check brings it back). */
  async restart(inst: Instance): Promise<void> {
    if (inst.alive) throw new Error(`instance ${inst.id} is still running`);
    await this.launch(inst);
  }

  /** `/health` of one instance, or null when it does not answer within a second. */
  async health(inst: Instance): Promise<{ serverId?: string; cluster?: Partial<ClusterHealth>; [k: string]: unknown } | null> {
    if (!inst.alive) return null;
    try {
      const res = await fetch(`${inst.url}/health`, { signal: AbortSignal.timeout(1000) });
      return res.ok ? ((await res.json()) as { cluster?: Partial<ClusterHealth> }) : null;
    } catch {
      return null;
    }
  }

  /** Each running instance's `cluster` block from `/health` (null when it did not answer). */
  async roles(): Promise<{ instance: Instance; cluster: ClusterHealth | null }[]> {
    return Promise.all(
      this.alive.map(async (instance) => {
        const h = await this.health(instance);
        if (!h) return { instance, cluster: null };
        const c = h.cluster ?? {};
        return { instance, cluster: { mode: c.mode ?? null, instanceId: c.instanceId ?? null, role: c.role ?? null, term: c.term ?? null, leader: c.leader ?? null } };
      }),
    );
  }

  /** The running instance whose `/health` says `cluster.role: "leader"` (the highest term if several do), or null. */
  async leader(): Promise<Instance | null> {
    const leaders = (await this.roles()).filter((r) => r.cluster?.role === "leader");
    leaders.sort((x, y) => (y.cluster?.term ?? 0) - (x.cluster?.term ?? 0));
    return leaders[0]?.instance ?? null;
  }

  /** Polls leader() every 50 ms until one (other than `not`) answers; null after `timeoutMs`. */
  async waitForLeader(opts: { not?: Instance; timeoutMs: number }): Promise<{ leader: Instance; at: number } | null> {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      const l = await this.leader();
      if (l && l !== opts.not) return { leader: l, at: Date.now() };
      if (Date.now() > deadline) return null;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Kills every process it started (by PID), deletes the Redis keys, drops the database, removes the temp folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([
      ...this.alive.map((i) => this.sigterm(i, 5_000).catch(() => undefined)),
      this.stopBalancer(),
    ]);
    await this.deleteRedisKeys().catch((err: Error) => this.note("harness", `deleting Redis keys failed: ${err.message}`));
    await this.pg("dropdb", "--force", "--if-exists", this.database).catch((err: Error) => this.note("harness", `dropdb failed: ${err.message}`));
    rmSync(this.dir, { recursive: true, force: true });
    open.delete(this);
  }

  /** Synchronous last resort (process exit): SIGKILL by PID, then drop the database and the keys. */
  killNowSync(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of [this.haproxy, ...this.instances.map((i) => i.child)]) {
      if (p?.pid && p.exitCode === null && p.signalCode === null) {
        try {
          process.kill(p.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    spawnSync("dropdb", [...this.pgArgs(), "--force", "--if-exists", this.database], { stdio: "ignore", timeout: 10_000 });
    const r = new URL(this.redisUrl);
    spawnSync("sh", ["-c", `redis-cli -h ${r.hostname} -p ${r.port || 6379} --scan --pattern '${this.prefix}*' | xargs -r redis-cli -h ${r.hostname} -p ${r.port || 6379} unlink`], { stdio: "ignore", timeout: 10_000 });
    rmSync(this.dir, { recursive: true, force: true });
  }

  // ---------------------------------------------------------------------------------------------

  private note(who: string, text: string): void {
    for (const line of text.split("\n")) if (line.trim()) this.lines.push(`[${who}] ${line}`);
    if (this.lines.length > LOG_LINES) this.lines.splice(0, this.lines.length - LOG_LINES);
  }

  private pgArgs(): string[] {
    const u = this.adminUrl;
    return ["-h", u.hostname, "-p", u.port || "5432", "-U", decodeURIComponent(u.username || "postgres")];
  }

  private async pg(bin: "createdb" | "dropdb", ...args: string[]): Promise<void> {
    await run(bin, [...this.pgArgs(), ...args], { timeout: 20_000 });
  }

  private async deleteRedisKeys(): Promise<void> {
    const redis = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${this.prefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== "0");
    } finally {
      redis.disconnect();
    }
  }

  private instanceEnv(inst: Instance): NodeJS.ProcessEnv {
    const base = { ...process.env };
    for (const k of ["DATABASE_URL", "REDIS_URL", "PROMETHEUS_URL", "WAR_ROOM_CONFIG", "WAR_ROOM_RUNBOOKS_DIR"]) delete base[k];
    return {
      ...base,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      // First start: any free port (no race with other processes); a restart takes the same port again.
      PORT: String(inst.port),
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrl,
      WAR_ROOM_CLUSTER_PREFIX: this.prefix,
      WAR_ROOM_INSTANCE_ID: inst.id,
      WAR_ROOM_CONFIG: this.configFile,
      WAR_ROOM_DATA_DIR: join(this.dir, `data-${inst.id}`),
      // HAProxy on this machine adds X-Forwarded-For (option forwardfor).
      WAR_ROOM_TRUSTED_PROXIES: "127.0.0.1",
      LOG_LEVEL: this.opts.logLevel ?? "warn",
      ...this.opts.env,
    };
  }

  private async launch(inst: Instance): Promise<void> {
    const child = spawn(process.execPath, ["--import", "tsx", "server.ts", "--no-ui"], { cwd: ROOT, env: this.instanceEnv(inst), stdio: ["ignore", "pipe", "pipe"] });
    inst.child = child;
    inst.stoppedAt = null;
    let out = "";
    let exitInfo: string | null = null;
    const collect = (buf: Buffer) => {
      const text = buf.toString();
      if (!inst.port) out += text;
      this.note(inst.id, text);
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    inst.exited = new Promise((resolveExit) => {
      child.once("exit", (code, signal) => {
        exitInfo = `exited with ${signal ?? `code ${code}`}`;
        this.note(inst.id, `(process ${child.pid} ${exitInfo})`);
        if (inst.child === child) inst.child = null;
        resolveExit();
      });
    });
    const readyTimeoutMs = this.opts.readyTimeoutMs ?? 90_000;
    try {
      const url = await waitFor(
        `instance ${inst.id} to listen`,
        () => {
          if (exitInfo) throw new Error(`instance ${inst.id} ${exitInfo}`);
          return out.match(/War Room is live at (http:\/\/\S+)/)?.[1] ?? (inst.port ? inst.url : null);
        },
        readyTimeoutMs,
        50,
      );
      inst.port = Number(new URL(url).port);
      await waitFor(
        `instance ${inst.id} /health/ready 200`,
        async () => {
          if (exitInfo) throw new Error(`instance ${inst.id} ${exitInfo}`);
          const res = await fetch(`${inst.url}/health/ready`, { signal: AbortSignal.timeout(1000) });
          return res.status === 200;
        },
        readyTimeoutMs,
        50,
      );
    } catch (err) {
      if (inst.child === child) child.kill("SIGKILL");
      await inst.exited;
      throw err;
    }
  }

  private haproxyConfig(): string {
    const maxconn = haproxyMaxconn();
    const servers = this.instances.map((i) => `  server ${i.id} 127.0.0.1:${i.port} check`).join("\n");
    return `global
  maxconn ${maxconn}

defaults
  mode http
  option forwardfor
  option redispatch
  retries 3
  retry-on conn-failure
  timeout connect 1s
  timeout check 2s
  timeout client 30s
  timeout server 30s
  timeout http-request 10s
  timeout tunnel 1h
  timeout client-fin 1s
  timeout server-fin 1s

frontend war_room
  bind 127.0.0.1:${this.balancerPort}
  maxconn ${maxconn}
  default_backend war_room

backend war_room
  balance roundrobin
  option httpchk
  http-check send meth GET uri /health/ready
  http-check expect status 200
  default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
${servers}
`;
  }

  private async startBalancer(): Promise<void> {
    this.balancerPort = await freePort();
    const cfg = join(this.dir, "haproxy.cfg");
    writeFileSync(cfg, this.haproxyConfig());
    execFileSync(HAPROXY_BIN, ["-c", "-q", "-f", cfg], { stdio: "pipe" });
    const child = spawn(HAPROXY_BIN, ["-f", cfg, "-db"], { stdio: ["ignore", "pipe", "pipe"] });
    this.haproxy = child;
    let exitInfo: string | null = null;
    child.stdout!.on("data", (b: Buffer) => this.note("haproxy", b.toString()));
    child.stderr!.on("data", (b: Buffer) => this.note("haproxy", b.toString()));
    this.haproxyExited = new Promise((r) =>
      child.once("exit", (code, signal) => {
        exitInfo = `exited with ${signal ?? `code ${code}`}`;
        this.note("haproxy", `(process ${child.pid} ${exitInfo})`);
        if (this.haproxy === child) this.haproxy = null;
        r();
      }),
    );
    // Routed, round robin, to every instance: /health through the balancer names each serverId.
    const want = new Set<string>();
    for (const inst of this.instances) {
      const h = await this.health(inst);
      if (h?.serverId) want.add(h.serverId);
    }
    const seen = new Set<string>();
    await waitFor(
      `HAProxy routing to all ${this.instances.length} instances`,
      async () => {
        if (exitInfo) throw new Error(`haproxy ${exitInfo}`);
        const res = await fetch(`${this.balancerUrl}/health`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) seen.add(((await res.json()) as { serverId: string }).serverId);
        return [...want].every((id) => seen.has(id));
      },
      15_000,
      20,
    );
  }

  private async stopBalancer(): Promise<void> {
    const child = this.haproxy;
    if (!child) return;
    // -db: SIGTERM is haproxy's hard stop, SIGUSR1 the soft one; nothing to drain here.
    child.kill("SIGTERM");
    const hard = setTimeout(() => child.kill("SIGKILL"), 3_000);
    await this.haproxyExited;
    clearTimeout(hard);
  }
}

/** Connections HAProxy may hold: two descriptors each (client and server side) within the open-files limit. */
function haproxyMaxconn(): number {
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync("/proc/self/limits", "utf8"));
  const hard = !m || m[2] === "unlimited" ? 65_536 : Number(m[2]);
  return Math.max(256, Math.min(12_000, Math.floor((hard - 500) / 2)));
}

/**
 * A distinct loopback source address (127.0.1.1, 127.0.1.2, …): viewers through the balancer
 * come from several addresses, as real ones do, so per-address socket caps (lib/server/rate-limit.ts)
 * apply per group of viewers once the instances trust HAProxy's X-Forwarded-For.
 */
export function loopbackAddress(k: number): string {
  return `127.0.${1 + Math.floor(k / 250)}.${1 + (k % 250)}`;
}
