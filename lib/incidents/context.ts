import type { z } from "zod";
import { Invalid, NotFound, parseOrInvalid } from "../errors";
import type { Clock } from "../time";
import type { SignalPoint } from "../signals/types";
import type { Store } from "../store/store";
import { getIncident, latestRecordedAt } from "./repo";
import { FUTURE_TOLERANCE_MS } from "./lifecycle";
import { v7 as uuidv7 } from "uuid";
import type { ActionItem, EntrySource, Incident, SignalSnapshot, TimelineEntry } from "./model";
import { signalSnapshot } from "./snapshot";
import type { RunbookCheckSchema } from "./contract";
import type { Alert } from "../alerts/model";
import type { DrillEffect } from "../drills/types";

/** Told after each committed write, in commit order; the live channels publish from here. */
export type IncidentEvents = {
  incident(incident: Incident): void;
  entry(entry: TimelineEntry): void;
  item(item: ActionItem): void;
  /** A runbook step was ticked or unticked (after its timeline entry was committed). */
  runbookCheck?(incidentId: string, check: RunbookCheck): void;
};

/** The state of one runbook step in one incident, as the API and the `runbook-check` event carry it. */
export type RunbookCheck = z.infer<typeof RunbookCheckSchema>;

/** What the incident verbs need from the running war room. */
export type IncidentCtx = {
  store: Store;
  clock: Clock;
  hasService(id: string): boolean;
  /** The newest point of a service, as the board shows it. */
  latest(id: string): SignalPoint | null;
  events?: IncidentEvents;
  /** Firing alerts on these services (a SEV1 resolve while one fires asks to confirm, lib/incidents/service.ts). */
  firingAlerts?(services: readonly string[]): { id: string; name: string; service: string }[];
  /** A current or recently resolved alert by id (declaring from an alert, lib/incidents/from-alert.ts). */
  alert?(id: string): Alert | null;
  /** Recent drills on the service or on a service it depends on. */
  drillsAffecting?(service: string): DrillEffect[];
};

/** Who wrote: a display name, and whether a person (UI) or a script (API without a name) did. */
export type Writer = { author: string; source: Extract<EntrySource, "user" | "api"> };

/** Parses `input` or throws Invalid naming the first problem, with every problem in details. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  return parseOrInvalid(schema, input, what);
}

export function checkServices(ctx: IncidentCtx, services: readonly string[], path = "services"): void {
  const unknown = services.filter((s) => !ctx.hasService(s));
  if (unknown.length) {
    throw new Invalid(`unknown service${unknown.length > 1 ? "s" : ""} ${unknown.map((s) => `"${s}"`).join(", ")}`, unknown.map((s) => ({ path, message: `unknown service "${s}"` })));
  }
}

export async function requireIncident(ctx: IncidentCtx, id: string): Promise<Incident> {
  const incident = await getIncident(ctx.store, id);
  if (!incident) throw new NotFound(`no incident "${id}"`);
  return incident;
}

/**
 * "Now" for a write to one incident: this instance's clock, but never earlier than the newest
 * recordedAt already on the incident's timeline (a hybrid logical clock, as `changeTime` in
 * ./lifecycle.ts is for lifecycle times). Instances' clocks may differ by seconds
 * (docs/incidents-contract.md, "Order"): an entry written after another one was acknowledged,
 * through an instance whose clock is behind, still gets an occurredAt ≥ the earlier entry's,
 * and its larger store-assigned `seq` puts it after it. Read before the write: an entry
 * acknowledged before this write began is committed, so visible here. A floor more than
 * FUTURE_TOLERANCE_MS ahead is not skew but a broken clock, and is not followed.
 */
export async function writeTime(ctx: Pick<IncidentCtx, "store" | "clock">, incidentId: string): Promise<number> {
  const floor = await latestRecordedAt(ctx.store, incidentId);
  const now = ctx.clock.now();
  return floor !== null && floor > now && floor <= now + FUTURE_TOLERANCE_MS ? floor : now;
}

export function snapshotOf(ctx: IncidentCtx, services: readonly string[], now: number): SignalSnapshot {
  return signalSnapshot(services, (id) => ctx.latest(id), now);
}

/**
 * A UUIDv7: time-ordered, and ordered by creation within this process, so entries recorded
 * in the same millisecond (one status + severity change) keep their order on the timeline.
 * uuid's `v7()` called without options keeps that order: within a millisecond (or if the clock
 * steps back) it increments a 32-bit counter seeded from random bits, and on overflow moves to
 * the next millisecond (node_modules/uuid/dist/v7.js, `updateV7State`).
 */
export function newId(): string {
  return uuidv7();
}
