/**
 * Test harness for the real Debian binaries: /usr/bin/prometheus and
 * /usr/bin/prometheus-alertmanager on free loopback ports, with temporary configs and data
 * directories. Each can be stopped and started again (same port, same data) or killed (-9).
 * Readiness is polled with a deadline; nothing sleeps blindly.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";
export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? "/usr/bin/prometheus-alertmanager";

export function hasPrometheus(): boolean {
  return executable(PROMETHEUS_BIN);
}

export function hasAlertmanager(): boolean {
  return executable(ALERTMANAGER_BIN);
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1 (bound, then released for the child to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Children still running, killed if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

/** A child process that serves HTTP on `url`, restartable with the same arguments. */
export class ManagedServer {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  /** Temporary directory holding config and data; removed by dispose(). */
  readonly dir: string;
  private readonly bin: string;
  private readonly args: string[];
  private readonly readyTimeoutMs: number;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly logLines: string[] = [];

  constructor(opts: { name: string; bin: string; args: string[]; port: number; dir: string; readyTimeoutMs?: number }) {
    this.name = opts.name;
    this.bin = opts.bin;
    this.args = opts.args;
    this.port = opts.port;
    this.dir = opts.dir;
    this.url = `http://127.0.0.1:${opts.port}`;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** The last lines the process wrote (stdout and stderr). */
  logs(): string {
    return this.logLines.join("\n");
  }

  /** Starts the process and waits until `/-/ready` answers 200. */
  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.name} is already running`);
    const child = spawn(this.bin, this.args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    live.add(child);
    const collect = (buf: Buffer) => {
      for (const line of buf.toString().split("\n")) if (line) this.logLines.push(line);
      if (this.logLines.length > 300) this.logLines.splice(0, this.logLines.length - 300);
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    let exitInfo: string | null = null;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        exitInfo = `exited with ${signal ?? `code ${code}`}`;
        live.delete(child);
        if (this.child === child) this.child = null;
        resolve();
      });
      child.once("error", (err) => {
        exitInfo = `failed to start: ${err.message}`;
        live.delete(child);
        if (this.child === child) this.child = null;
        resolve();
      });
    });
    const deadline = Date.now() + this.readyTimeoutMs;
    for (;;) {
      if (exitInfo) throw new Error(`${this.name} ${exitInfo}\n${this.logs()}`);
      const ready = await fetch(`${this.url}/-/ready`, { signal: AbortSignal.timeout(1000) })
        .then((r) => r.ok)
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`${this.name} not ready after ${this.readyTimeoutMs} ms\n${this.logs()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Graceful stop (SIGTERM), escalating to SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the process at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill("SIGKILL");
    await this.exited;
  }

  /** Stops the process and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export type PrometheusOptions = {
  /** URLs to scrape, e.g. http://127.0.0.1:3000/sim/metrics (path and query kept). */
  scrapeUrls: string[];
  scrapeIntervalSeconds?: number;
  /** Rules as YAML text (a `groups:` document), written to a rule file. */
  rules?: string;
  /** Rule files that already exist. */
  ruleFiles?: string[];
  /** Alertmanager base URL, e.g. http://127.0.0.1:9093. */
  alertmanagerUrl?: string;
  /** remote_write targets (protocol 1.0), with a bearer token sent as `Authorization: Bearer …`. */
  remoteWrite?: { url: string; bearerToken?: string }[];
  readyTimeoutMs?: number;
  /** debug, info, warn (default) or error. */
  logLevel?: string;
  extraArgs?: string[];
};

/** Starts Prometheus scraping `scrapeUrls` every second (by default); dispose() when done. */
export async function startPrometheus(opts: PrometheusOptions): Promise<ManagedServer> {
  const dir = mkdtempSync(join(tmpdir(), "war-room-prom-"));
  const port = await freePort();
  const interval = `${opts.scrapeIntervalSeconds ?? 1}s`;
  const ruleFiles = [...(opts.ruleFiles ?? [])];
  if (opts.rules !== undefined) {
    const path = join(dir, "rules.yml");
    writeFileSync(path, opts.rules);
    ruleFiles.push(path);
  }
  const config: Record<string, unknown> = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: opts.scrapeUrls.map((raw, i) => {
      const u = new URL(raw);
      const params: Record<string, string[]> = {};
      for (const [k, v] of u.searchParams) (params[k] ??= []).push(v);
      return {
        job_name: `target-${i}`,
        scheme: u.protocol.replace(":", ""),
        metrics_path: u.pathname,
        ...(Object.keys(params).length ? { params } : {}),
        static_configs: [{ targets: [u.host] }],
      };
    }),
    ...(ruleFiles.length ? { rule_files: ruleFiles } : {}),
  };
  if (opts.remoteWrite?.length) {
    config.remote_write = opts.remoteWrite.map((r) => ({
      url: r.url,
      ...(r.bearerToken ? { authorization: { type: "Bearer", credentials: r.bearerToken } } : {}),
      // Send within a second of the scrape (the default waits up to 5 s to fill a batch).
      queue_config: { batch_send_deadline: "500ms", min_backoff: "50ms", max_backoff: "1s" },
      metadata_config: { send: false },
    }));
  }
  if (opts.alertmanagerUrl) {
    const am = new URL(opts.alertmanagerUrl);
    config.alerting = {
      alertmanagers: [
        {
          scheme: am.protocol.replace(":", ""),
          path_prefix: am.pathname,
          api_version: "v2",
          static_configs: [{ targets: [am.host] }],
        },
      ],
    };
  }
  // JSON is YAML: no serializer needed.
  const configFile = join(dir, "prometheus.yml");
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const server = new ManagedServer({
    name: "prometheus",
    bin: PROMETHEUS_BIN,
    port,
    dir,
    readyTimeoutMs: opts.readyTimeoutMs,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--web.enable-lifecycle",
      // The first alerts go out before the Alertmanager is discovered and are dropped; resend soon.
      "--rules.alert.resend-delay=1s",
      `--log.level=${opts.logLevel ?? "warn"}`,
      ...(opts.extraArgs ?? []),
    ],
  });
  await startOrClean(server);
  return server;
}

export type AlertmanagerOptions = {
  /** Where notifications are POSTed (webhook payload version 4). */
  webhookUrl: string;
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  sendResolved?: boolean;
  readyTimeoutMs?: number;
  /** debug, info, warn (default) or error. */
  logLevel?: string;
  extraArgs?: string[];
};

/** Starts Alertmanager (clustering off) routing every alert to one webhook receiver. */
export async function startAlertmanager(opts: AlertmanagerOptions): Promise<ManagedServer> {
  const dir = mkdtempSync(join(tmpdir(), "war-room-am-"));
  const port = await freePort();
  const config = {
    route: {
      receiver: "webhook",
      group_by: ["alertname"],
      group_wait: opts.groupWait ?? "1s",
      group_interval: opts.groupInterval ?? "1s",
      repeat_interval: opts.repeatInterval ?? "1h",
    },
    receivers: [{ name: "webhook", webhook_configs: [{ url: opts.webhookUrl, send_resolved: opts.sendResolved ?? true }] }],
  };
  const configFile = join(dir, "alertmanager.yml");
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const server = new ManagedServer({
    name: "alertmanager",
    bin: ALERTMANAGER_BIN,
    port,
    dir,
    readyTimeoutMs: opts.readyTimeoutMs,
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      `--log.level=${opts.logLevel ?? "warn"}`,
      ...(opts.extraArgs ?? []),
    ],
  });
  await startOrClean(server);
  return server;
}

async function startOrClean(server: ManagedServer): Promise<void> {
  try {
    await server.start();
  } catch (err) {
    rmSync(server.dir, { recursive: true, force: true });
    throw err;
  }
}

/** Polls `fn` every `intervalMs` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
