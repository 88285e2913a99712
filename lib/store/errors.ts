/**
 * A one-line description of a driver error. Node reports a refused dual-stack connect as an
 * AggregateError with an empty message, and pg errors carry their useful part in `code`.
 */
export function describeError(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) {
    const inner = [...new Set(e.errors.map(describeError))];
    return e.message ? `${e.message} (${inner.join("; ")})` : inner.join("; ");
  }
  if (e instanceof Error) {
    const code = (e as Error & { code?: unknown }).code;
    const message = e.message || e.name;
    return typeof code === "string" && !message.includes(code) ? `${message} [${code}]` : message;
  }
  return String(e);
}
