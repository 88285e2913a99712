import { Conflict } from "../errors";

/** A service's configured feed (lib/sources/config.ts), as push ingest needs to know it. */
export type FedBy = "simulator" | "prometheus" | "push";

export type PushVerdict = { ok: true } | { ok: false; source: FedBy | "none" };

/**
 * The one place that decides whether a pushed sample may feed a service (JSON push ingest and
 * remote_write both ask here): only a service configured as push-fed takes pushes. A pushed
 * sample never overrides a service fed by the simulator or by Prometheus.
 */
export class PushOwnership {
  private readonly fedBy: ReadonlyMap<string, FedBy>;

  constructor(fedBy: Iterable<[string, FedBy]>) {
    this.fedBy = new Map(fedBy);
  }

  acceptsPush(service: string): PushVerdict {
    const source = this.fedBy.get(service);
    return source === "push" ? { ok: true } : { ok: false, source: source ?? "none" };
  }

  /**
   * Refuses the whole request (409, nothing applied) when any of its services is not push-fed,
   * naming each with its source. Unknown services are left to the batch validation (400).
   */
  assertPushable(services: Iterable<string>): void {
    const refused = new Map<string, string>();
    for (const id of services) {
      if (refused.has(id) || !this.fedBy.has(id)) continue;
      const v = this.acceptsPush(id);
      if (!v.ok) refused.set(id, v.source);
    }
    if (refused.size === 0) return;
    const list = [...refused].map(([id, src]) => `"${id}" is fed by ${src}`);
    throw new Conflict(`push refused: only push-fed services take pushed samples; ${list.join(", ")} (set source: push on the service to feed it by push)`, {
      services: [...refused].map(([service, source]) => ({ service, source })),
    });
  }
}
