/**
 * A metric source could not answer. `transient` failures (network, timeout, 5xx, garbage)
 * are retried; the others (a bad query, a 4xx) are not. Every failure counts towards the
 * circuit breaker (lib/sources/prometheus/client.ts).
 */
export class SourceError extends Error {
  readonly transient: boolean;
  /** HTTP status when the server answered, else undefined. */
  readonly status?: number;
  /** Prometheus `errorType` (bad_data, execution, timeout, unavailable …) when given. */
  readonly errorType?: string;
  /** The source was closed (shutdown): not a failure of Prometheus. */
  readonly closed: boolean;

  constructor(message: string, opts: { transient?: boolean; status?: number; errorType?: string; cause?: unknown; closed?: boolean } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = "SourceError";
    this.transient = opts.transient ?? false;
    this.status = opts.status;
    this.errorType = opts.errorType;
    this.closed = opts.closed ?? false;
  }
}
