import type { ServiceInfo } from "./contract";

/** The configured services as the board names them, in config order, with their effective thresholds. */
export class ServiceCatalog {
  readonly services: readonly ServiceInfo[];
  private readonly byId: ReadonlyMap<string, ServiceInfo>;

  constructor(services: readonly ServiceInfo[]) {
    this.services = services;
    this.byId = new Map(services.map((s) => [s.id, s]));
  }

  get(id: string): ServiceInfo | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  ids(): string[] {
    return this.services.map((s) => s.id);
  }

  /** id → display name, for documents that name services (postmortems). */
  names(): Record<string, string> {
    return Object.fromEntries(this.services.map((s) => [s.id, s.name]));
  }
}
