import { sql } from "kysely";
import { z } from "zod";
import { NotFound, parseOrInvalid } from "../errors";
import type { Clock } from "../time";
import type { Store } from "../store/store";
import type { IncidentSeverity } from "../severity";
import type { StatusPageConfig } from "./config";
import { COMPONENT_STATES, ComponentHysteresis, componentsOf, deriveState, type ComponentDef, type ComponentState, type ServiceHealth } from "./components";
import { listStatusUpdates, publicTitle, type StatusUpdate } from "./status-updates";

const DAY_MS = 86_400_000;
export const UPTIME_DAYS = 90;
/** Uptime bars are read from the rollups at most this often per instance (the page is public). */
const UPTIME_CACHE_MS = 60_000;
/** Public incidents listed (Statuspage lists 50). */
const PUBLIC_INCIDENTS = 50;

export type PublicComponent = { id: string; name: string; state: ComponentState; since: number; override: { note: string; setAt: number } | null };
/** What the public may know of an incident: its title, impact, public status and its updates. Nothing from the timeline, roles or alerts. */
export type PublicIncident = {
  id: string;
  name: string;
  impact: "none" | "minor" | "major" | "critical";
  status: StatusUpdate["status"];
  components: string[];
  startedAt: number;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  updates: { id: string; status: StatusUpdate["status"]; body: string; at: number }[];
};
export type UptimeDay = { day: number; availability: number | null };

export const OverrideInputSchema = z.object({ state: z.enum(COMPONENT_STATES), note: z.string().trim().max(500).default("") }).strict();

const IMPACT: Record<IncidentSeverity, PublicIncident["impact"]> = { SEV1: "critical", SEV2: "major", SEV3: "minor", SEV4: "none" };

export type StatusPageCtx = {
  store: Store;
  clock: Clock;
  config: StatusPageConfig;
  services: readonly { id: string; name: string }[];
  /** The board's state of a service now (null: no fresh point). */
  health(serviceId: string): ServiceHealth;
};

/** The public status page's data (docs/architecture.md "Notifications" → status page). */
export class StatusPage {
  readonly defs: ComponentDef[];
  private readonly hysteresis: ComponentHysteresis;
  private uptimeCache: { at: number; value: Map<string, UptimeDay[]> } | null = null;

  constructor(private readonly ctx: StatusPageCtx) {
    this.defs = componentsOf(ctx.config, ctx.services);
    this.hysteresis = new ComponentHysteresis(ctx.config.hysteresisSeconds * 1000);
  }

  /** Observes every component's derived state (a job runs this every few seconds so hysteresis sees the live state). */
  observe(now = this.ctx.clock.now()): void {
    for (const d of this.defs) this.hysteresis.observe(d.id, deriveState(d.services.map((s) => this.ctx.health(s))), now);
  }

  async components(): Promise<PublicComponent[]> {
    const now = this.ctx.clock.now();
    const overrides = new Map((await this.ctx.store.db.selectFrom("status_overrides").selectAll().execute()).map((o) => [o.component, o]));
    return this.defs.map((d) => {
      const o = overrides.get(d.id);
      if (o) return { id: d.id, name: d.name, state: o.state as ComponentState, since: Number(o.set_at), override: { note: o.note, setAt: Number(o.set_at) } };
      const shown = this.hysteresis.observe(d.id, deriveState(d.services.map((s) => this.ctx.health(s))), now);
      return { id: d.id, name: d.name, state: shown.state, since: shown.since, override: null };
    });
  }

  /** An admin's manual state for a component, until cleared. */
  async setOverride(componentId: string, input: unknown, author: string): Promise<PublicComponent> {
    if (!this.defs.some((d) => d.id === componentId)) throw new NotFound(`no status-page component "${componentId}"`);
    const data = parseOrInvalid(OverrideInputSchema, input, "component override");
    const now = this.ctx.clock.now();
    const row = { component: componentId, state: data.state, note: data.note, set_by: author, set_at: now };
    await this.ctx.store.db
      .insertInto("status_overrides")
      .values(row)
      .onConflict((oc) => oc.column("component").doUpdateSet({ state: row.state, note: row.note, set_by: row.set_by, set_at: row.set_at }))
      .execute();
    return (await this.components()).find((c) => c.id === componentId)!;
  }

  async clearOverride(componentId: string): Promise<PublicComponent> {
    if (!this.defs.some((d) => d.id === componentId)) throw new NotFound(`no status-page component "${componentId}"`);
    await this.ctx.store.db.deleteFrom("status_overrides").where("component", "=", componentId).execute();
    return (await this.components()).find((c) => c.id === componentId)!;
  }

  /** Incidents with at least one published update, never drills, newest first. */
  async incidents(opts: { unresolvedOnly?: boolean } = {}): Promise<PublicIncident[]> {
    const rows = await this.ctx.store.db
      .selectFrom("incidents as i")
      .select(["i.id", "i.severity", "i.services", "i.started_at"])
      .where("i.drill", "=", 0)
      .where(({ exists, selectFrom }) => exists(selectFrom("status_updates as u").select("u.id").whereRef("u.incident_id", "=", "i.id")))
      .orderBy("i.started_at", "desc")
      .limit(PUBLIC_INCIDENTS)
      .execute();
    const updates = await listStatusUpdates(this.ctx.store, rows.map((r) => r.id));
    const out = rows.map((r): PublicIncident => {
      const mine = updates.filter((u) => u.incidentId === r.id);
      const services = JSON.parse(r.services) as string[];
      const latest = mine[0];
      const resolved = latest.status === "resolved" ? latest.publishedAt : null;
      const components = this.defs.filter((d) => d.services.some((s) => services.includes(s)));
      return {
        id: r.id,
        // Never the internal title: the comms lead's public one, else a neutral name.
        name: publicTitle(mine, components.map((d) => d.name)),
        impact: IMPACT[r.severity as IncidentSeverity] ?? "minor",
        status: latest.status,
        components: components.map((d) => d.id),
        startedAt: Number(r.started_at),
        createdAt: mine[mine.length - 1].publishedAt,
        updatedAt: latest.publishedAt,
        resolvedAt: resolved,
        updates: mine.map((u) => ({ id: u.id, status: u.status, body: u.body, at: u.publishedAt })),
      };
    });
    return opts.unresolvedOnly ? out.filter((i) => i.resolvedAt === null) : out;
  }

  /** 90 daily availability bars per component from the stored minute rollups (good requests / requests). */
  async uptime(): Promise<Map<string, UptimeDay[]>> {
    const now = this.ctx.clock.now();
    if (this.uptimeCache && now - this.uptimeCache.at < UPTIME_CACHE_MS && now >= this.uptimeCache.at) return this.uptimeCache.value;
    const today = Math.floor(now / DAY_MS);
    const from = (today - UPTIME_DAYS + 1) * DAY_MS;
    const services = [...new Set(this.defs.flatMap((d) => d.services))];
    const rows = services.length
      ? await this.ctx.store.db
          .selectFrom("signal_minutes")
          .select(["service", sql<number>`cast(start / ${sql.lit(DAY_MS)} as bigint)`.as("day"), sql<number>`sum(requests)`.as("requests"), sql<number>`sum(errors_5xx)`.as("bad")])
          .where("start", ">=", from)
          .where("service", "in", services)
          .groupBy(["service", sql`cast(start / ${sql.lit(DAY_MS)} as bigint)`])
          .execute()
      : [];
    const byKey = new Map(rows.map((r) => [`${r.service}:${Number(r.day)}`, { requests: Number(r.requests), bad: Number(r.bad) }]));
    const value = new Map<string, UptimeDay[]>();
    for (const d of this.defs) {
      const days: UptimeDay[] = [];
      for (let day = today - UPTIME_DAYS + 1; day <= today; day++) {
        let requests = 0;
        let bad = 0;
        for (const s of d.services) {
          const r = byKey.get(`${s}:${day}`);
          if (!r) continue;
          requests += r.requests;
          bad += r.bad;
        }
        days.push({ day: day * DAY_MS, availability: requests > 0 ? Math.max(0, 1 - bad / requests) : null });
      }
      value.set(d.id, days);
    }
    this.uptimeCache = { at: now, value };
    return value;
  }
}
