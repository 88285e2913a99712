/**
 * A metric source could not answer. `transient` failures (network, timeout, 5xx, garbage)
 * are retried and count towards the circuit breaker; the others (a bad query, a 4xx) are not.
 */
export class SourceError extends Error {
  readonly transient: boolean;
  /** HTTP status when the server answered, else undefined. */
  readonly status?: number;
  /** Prometheus `errorType` (bad_data, execution, timeout, unavailable …) when given. */
  readonly errorType?: string;

  constructor(message: string, opts: { transient?: boolean; status?: number; errorType?: string; cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = "SourceError";
    this.transient = opts.transient ?? false;
    this.status = opts.status;
    this.errorType = opts.errorType;
  }
}
