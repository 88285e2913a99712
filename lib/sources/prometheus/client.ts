import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  fullJitterGenerator,
  handleWhen,
  retry,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from "cockatiel";
import { setMaxListeners } from "node:events";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { redact, type ResolvedAuth } from "./auth";
import { SourceError } from "./errors";
import { parseErrorBody, parseSuccessBody, type QueryResult } from "./response";

import type { BreakerState } from "../types";

export type { BreakerState };

export type PrometheusClientOptions = {
  url: string;
  timeoutMs: number;
  retries: number;
  maxResponseBytes: number;
  breaker: { failures: number; halfOpenAfterMs: number };
  headers?: Record<string, string>;
  /** Authorization header, TLS material and the secrets to keep out of every message (lib/sources/prometheus/auth.ts). */
  auth?: ResolvedAuth;
  /** Retry backoff bounds (full jitter: each delay is uniform in [0, min(max, initial·2^n))). */
  backoff?: { initialDelayMs?: number; maxDelayMs?: number };
  /** At most this many queries in flight; the rest wait their turn before their timeout starts (default: no limit). */
  concurrency?: number;
};

/** Counters for /metrics and /health. `queries` and `errors` count HTTP attempts (retries included). */
export type PrometheusClientStats = {
  breaker: BreakerState;
  queries: number;
  errors: number;
  retries: number;
  timeouts: number;
  /** Calls refused without a request because the breaker was open. */
  rejected: number;
  /** Duration of the last finished attempt, in ms. */
  lastQueryMs: number | null;
  lastError: string | null;
};

const isTransient = (e: Error) => (e instanceof SourceError && e.transient) || e instanceof TaskCancelledError;
/** Every failed query counts towards the breaker (an error body, a body over the cap, garbage), not only the retried ones; shutdown does not. */
const isFailure = (e: Error) => !(e instanceof SourceError && e.closed);

/**
 * The Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`) behind cockatiel policies:
 * retry (transient failures only, full-jitter exponential backoff) → circuit breaker
 * (consecutive failed attempts of any kind) → timeout (per attempt, covering the body). Queries are sent
 * as form-encoded POSTs, which the API treats like GETs: idempotent and safe to retry.
 */
export class PrometheusClient {
  private readonly opts: PrometheusClientOptions;
  private readonly base: URL;
  private readonly breakerPolicy: CircuitBreakerPolicy;
  private readonly policy: IPolicy;
  private readonly closer = new AbortController();
  private openedAt = 0;
  private readonly counters = { queries: 0, errors: 0, retries: 0, timeouts: 0, rejected: 0 };
  private lastQueryMs: number | null = null;
  private lastError: string | null = null;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(opts: PrometheusClientOptions) {
    this.opts = opts;
    this.base = new URL(opts.url.endsWith("/") ? opts.url : `${opts.url}/`);
    // Every in-flight query listens on the closer; a sample sends one per signal and override.
    setMaxListeners(0, this.closer.signal);
    const timeoutPolicy = timeout(opts.timeoutMs, TimeoutStrategy.Aggressive);
    timeoutPolicy.onTimeout(() => this.counters.timeouts++);
    this.breakerPolicy = circuitBreaker(handleWhen(isFailure), {
      halfOpenAfter: opts.breaker.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(opts.breaker.failures),
    });
    this.breakerPolicy.onBreak(() => (this.openedAt = Date.now()));
    const retryPolicy = retry(
      handleWhen((e) => isTransient(e) && !(e instanceof BrokenCircuitError)),
      {
        maxAttempts: opts.retries,
        backoff: new ExponentialBackoff({
          generator: fullJitterGenerator,
          initialDelay: opts.backoff?.initialDelayMs ?? 100,
          maxDelay: opts.backoff?.maxDelayMs ?? 2000,
        }),
      },
    );
    retryPolicy.onRetry(() => this.counters.retries++);
    this.policy = wrap(retryPolicy, this.breakerPolicy, timeoutPolicy);
  }

  /** Instant query at `timeMs` (epoch ms). */
  query(expr: string, timeMs: number): Promise<QueryResult> {
    return this.call("api/v1/query", { query: expr, time: seconds(timeMs) });
  }

  /** Range query: samples at start, start+step, … ≤ end (epoch ms). At most 11,000 points per series. */
  queryRange(expr: string, startMs: number, endMs: number, stepMs: number): Promise<QueryResult> {
    return this.call("api/v1/query_range", { query: expr, start: seconds(startMs), end: seconds(endMs), step: seconds(stepMs) });
  }

  get breakerState(): BreakerState {
    switch (this.breakerPolicy.state) {
      case CircuitState.Closed:
        return "closed";
      case CircuitState.HalfOpen:
        return "half-open";
      default:
        return "open";
    }
  }

  stats(): PrometheusClientStats {
    return { breaker: this.breakerState, ...this.counters, lastQueryMs: this.lastQueryMs, lastError: this.lastError };
  }

  /** Aborts in-flight requests; later calls fail at once. */
  close(): void {
    this.closer.abort();
  }

  private async call(path: string, params: Record<string, string>): Promise<QueryResult> {
    if (this.closer.signal.aborted) throw new SourceError("the Prometheus source is closed", { closed: true });
    await this.turn();
    try {
      if (this.closer.signal.aborted) throw new SourceError("the Prometheus source is closed", { closed: true });
      return await this.policy.execute(({ signal }) => this.attempt(path, params, signal), this.closer.signal);
    } catch (err) {
      throw this.explain(err);
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  /** Resolves when a query may be sent (the concurrency limit); the caller gives the slot back when done. */
  private turn(): Promise<void> {
    const limit = this.opts.concurrency ?? Infinity;
    if (this.inFlight < limit) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.inFlight++;
        resolve();
      }),
    );
  }

  /** One HTTP request: send, read the body (capped), decode. */
  private async attempt(path: string, params: Record<string, string>, signal: AbortSignal): Promise<QueryResult> {
    this.counters.queries++;
    const started = performance.now();
    try {
      // Prometheus also stops evaluating once our deadline has passed.
      const body = new URLSearchParams({ ...params, timeout: seconds(this.opts.timeoutMs) });
      const { status, text } = await this.send(new URL(path, this.base), body.toString(), signal);
      const result = decode(status, text);
      this.lastError = null;
      return result;
    } catch (err) {
      this.counters.errors++;
      // An attempt aborted by the timeout policy fails with an AbortError; name the real cause.
      const timedOut = signal.aborted && !this.closer.signal.aborted;
      this.lastError = timedOut ? this.timeoutMessage() : this.clean(err instanceof Error ? err.message : String(err));
      throw err instanceof SourceError ? this.cleanError(err) : err;
    } finally {
      this.lastQueryMs = performance.now() - started;
    }
  }

  /** POST over node:http(s): TLS options (CA, client certificate, verification) are per request, which fetch cannot do without undici. */
  private send(url: URL, body: string, signal: AbortSignal): Promise<{ status: number; text: string }> {
    const auth = this.opts.auth;
    const headers: Record<string, string> = {
      ...this.opts.headers,
      ...(auth?.authorization ? { authorization: auth.authorization } : {}),
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
      "content-length": String(Buffer.byteLength(body)),
    };
    const https = url.protocol === "https:";
    const tls = https && auth ? auth.tls : {};
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(url, { method: "POST", headers, signal, ...tls }, (res) => {
        readCapped(res, this.opts.maxResponseBytes).then((text) => resolve({ status: res.statusCode ?? 0, text }), reject);
      });
      req.on("error", (err) => reject(new SourceError(`cannot reach Prometheus at ${this.base.origin}: ${causeMessage(err)}`, { transient: true, cause: err })));
      req.end(body);
    });
  }

  /** A message with every configured secret taken out. */
  private clean(message: string): string {
    return redact(message, this.opts.auth?.secrets ?? []);
  }

  private cleanError(err: SourceError): SourceError {
    const message = this.clean(err.message);
    return message === err.message ? err : new SourceError(message, { transient: err.transient, status: err.status, errorType: err.errorType });
  }

  private timeoutMessage(): string {
    return `Prometheus did not answer within ${this.opts.timeoutMs} ms`;
  }

  /** Any failure as a SourceError with a message an operator can act on. */
  private explain(err: unknown): SourceError {
    if (err instanceof BrokenCircuitError) {
      this.counters.rejected++;
      const wait = Math.max(0, this.openedAt + this.opts.breaker.halfOpenAfterMs - Date.now());
      const last = this.lastError ? ` (last error: ${this.lastError})` : "";
      return new SourceError(
        `circuit breaker open after ${this.opts.breaker.failures} consecutive failures; next try in ${Math.ceil(wait / 1000)} s${last}`,
        { transient: true, cause: err },
      );
    }
    if (err instanceof TaskCancelledError) {
      return this.closer.signal.aborted
        ? new SourceError("the Prometheus source is closed", { cause: err, closed: true })
        : new SourceError(this.timeoutMessage(), { transient: true, cause: err });
    }
    if (err instanceof SourceError) return err;
    return new SourceError(`Prometheus query failed: ${causeMessage(err)}`, { cause: err });
  }
}

/** A response body as text, refusing bodies larger than `max` bytes (counted on the stream, not trusted from headers). */
async function readCapped(res: IncomingMessage, max: number): Promise<string> {
  const declared = Number(res.headers["content-length"]);
  if (declared > max) {
    res.destroy();
    throw tooLarge(max);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > max) {
        res.destroy();
        throw tooLarge(max);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof SourceError) throw err;
    throw new SourceError(`Prometheus response broke off: ${causeMessage(err)}`, { transient: true, cause: err });
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge(max: number): SourceError {
  return new SourceError(`Prometheus response is larger than the ${formatBytes(max)} limit (maxResponseBytes); narrow the query`);
}

/** HTTP status + body text → a result, or a SourceError carrying Prometheus' own message. */
function decode(status: number, text: string): QueryResult {
  let json: unknown;
  let jsonOk = true;
  try {
    json = JSON.parse(text);
  } catch {
    jsonOk = false;
  }
  const transient = status >= 500 || status === 429 || status === 408;
  const errBody = jsonOk ? parseErrorBody(json) : undefined;
  if (errBody) {
    const kind = errBody.errorType ? `${errBody.errorType}: ` : "";
    throw new SourceError(`Prometheus ${status}: ${kind}${errBody.error ?? "(no message)"}`, { transient, status, errorType: errBody.errorType });
  }
  if (status < 200 || status >= 300) {
    throw new SourceError(`Prometheus answered HTTP ${status}${snippet(text)}`, { transient, status });
  }
  if (!jsonOk) throw new SourceError(`Prometheus answered with invalid JSON (garbage or truncated)${snippet(text)}`, { transient: true, status });
  return parseSuccessBody(json);
}

function snippet(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  if (!clean) return "";
  return `: ${JSON.stringify(clean.length > 120 ? `${clean.slice(0, 120)}…` : clean)}`;
}

function causeMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}

function seconds(ms: number): string {
  return String(ms / 1000);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / (1024 * 1024)).toFixed(1)} MiB` : `${+(n / 1024).toFixed(1)} KiB`;
}
