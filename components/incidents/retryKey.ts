import { newKey } from "./outbox";

/**
 * The Idempotency-Key for a form that is sent again by hand after a failure (the action-item
 * form): the same body as the last unanswered attempt gets the same key, so an "Add" clicked again
 * after a lost answer does not write a second item; a changed body is a new request, a new key.
 */
export class RetryKey {
  private last: { body: string; key: string } | null = null;

  constructor(private readonly make: () => string = newKey) {}

  for(body: unknown): string {
    const json = JSON.stringify(body);
    if (this.last?.body !== json) this.last = { body: json, key: this.make() };
    return this.last.key;
  }

  /** The request was answered (written or refused): the next one is new. */
  answered(): void {
    this.last = null;
  }
}
