import { describe, expect, it } from "vitest";
import { WarRoomError } from "../errors";
import { allowedTransitions, applyChanges, applyStatus, checkOccurredAt, incidentMetrics, resolveStartedAt, roleChanges, transition } from "./lifecycle";
import type { Incident } from "./model";

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const MIN = 60_000;

function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: "i-1",
    number: 7,
    title: "Checkout errors",
    severity: "SEV2",
    status: "investigating",
    services: ["checkout"],
    drill: false,
    summary: "",
    startedAt: T0 - 10 * MIN,
    detectedAt: T0,
    acknowledgedAt: null,
    identifiedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    closedAt: null,
    createdAt: T0,
    createdBy: "ada",
    roles: [],
    version: 1,
    ...over,
  };
}

const statusOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as WarRoomError).status;
  }
};

describe("status lifecycle", () => {
  it.each([
    ["investigating", "identified", "forward"],
    ["investigating", "resolved", "forward"],
    ["identified", "monitoring", "forward"],
    ["monitoring", "resolved", "forward"],
    ["resolved", "investigating", "reopen"],
    ["resolved", "monitoring", "reopen"],
    ["resolved", "closed", "close"],
    ["monitoring", "monitoring", "none"],
  ] as const)("%s → %s is %s", (from, to, kind) => {
    expect(transition(from, to)).toBe(kind);
  });

  it.each([
    ["identified", "investigating"],
    ["monitoring", "identified"],
    ["investigating", "closed"],
    ["monitoring", "closed"],
    ["closed", "investigating"],
    ["closed", "resolved"],
  ] as const)("%s → %s is refused with 400", (from, to) => {
    expect(transition(from, to)).toBeNull();
    expect(statusOf(() => applyStatus(incident({ status: from }), to, T0))).toBe(400);
  });

  it("lists where an incident can go", () => {
    expect(allowedTransitions("identified")).toEqual(["monitoring", "resolved"]);
    expect(allowedTransitions("resolved")).toEqual(["investigating", "identified", "monitoring", "closed"]);
    expect(allowedTransitions("closed")).toEqual([]);
  });

  it("timestamps each transition, and a reopen clears resolvedAt but keeps earlier times", () => {
    let i = applyStatus(incident(), "identified", T0 + MIN);
    i = applyStatus(i, "monitoring", T0 + 2 * MIN);
    i = applyStatus(i, "resolved", T0 + 3 * MIN);
    expect(i).toMatchObject({ status: "resolved", identifiedAt: T0 + MIN, mitigatedAt: T0 + 2 * MIN, resolvedAt: T0 + 3 * MIN });
    i = applyStatus(i, "investigating", T0 + 4 * MIN);
    expect(i).toMatchObject({ status: "investigating", resolvedAt: null, identifiedAt: T0 + MIN });
    i = applyStatus(applyStatus(i, "resolved", T0 + 5 * MIN), "closed", T0 + 6 * MIN);
    expect(i).toMatchObject({ status: "closed", resolvedAt: T0 + 5 * MIN, closedAt: T0 + 6 * MIN });
  });

  it("never records a change before a time the incident already carries, even if the clock steps back", () => {
    const i = incident({ status: "identified", identifiedAt: T0 + 5 * MIN });
    const { next, at } = applyChanges(i, { status: "resolved" }, T0 + MIN);
    expect(at).toBe(T0 + 5 * MIN);
    expect(next.resolvedAt).toBe(T0 + 5 * MIN);
  });
});

describe("applyChanges", () => {
  it("records status, severity and role changes as system entries in that order", () => {
    const { next, entries } = applyChanges(
      incident({ roles: [{ role: "scribe", name: "Bo" }] }),
      { status: "identified", severity: "SEV1", roles: [{ role: "incident-commander", name: "Ada" }], title: "Checkout down" },
      T0 + MIN,
    );
    expect(entries.map((e) => e.kind)).toEqual(["status-change", "severity-change", "role-change", "role-change"]);
    expect(entries[0].body).toBe("Status changed: investigating → identified");
    expect(entries[1].body).toBe("Severity changed: SEV2 → SEV1");
    expect(entries.slice(2).map((e) => e.body)).toEqual(["Incident commander: Ada", "Scribe: unassigned (was Bo)"]);
    expect(next).toMatchObject({ status: "identified", severity: "SEV1", title: "Checkout down", acknowledgedAt: T0 + MIN, version: 1 });
  });

  it("calls a move out of resolved a reopen", () => {
    const { entries } = applyChanges(incident({ status: "resolved", resolvedAt: T0 }), { status: "monitoring" }, T0 + MIN);
    expect(entries).toEqual([{ kind: "status-change", body: "Reopened: resolved → monitoring" }]);
  });

  it("records nothing when nothing changes", () => {
    expect(applyChanges(incident(), { status: "investigating", severity: "SEV2", roles: [] }, T0).entries).toEqual([]);
    expect(roleChanges([{ role: "sme", name: "A" }, { role: "sme", name: "B" }], [{ role: "sme", name: "B" }, { role: "sme", name: "A" }])).toEqual([]);
  });

  it("acknowledges only on the first commander", () => {
    const acked = incident({ acknowledgedAt: T0 + MIN });
    expect(applyChanges(acked, { roles: [{ role: "incident-commander", name: "Ada" }] }, T0 + 9 * MIN).next.acknowledgedAt).toBe(T0 + MIN);
    expect(applyChanges(incident(), { roles: [{ role: "scribe", name: "Ada" }] }, T0 + MIN).next.acknowledgedAt).toBeNull();
  });
});

describe("time rules", () => {
  it("refuses an entry before the incident started, or more than 5 minutes ahead", () => {
    const i = incident();
    expect(() => checkOccurredAt(i.startedAt - 1, i, T0)).toThrow(/before the incident started \(2026-11-23T11:50:00.000Z\)/);
    expect(() => checkOccurredAt(T0 + 5 * MIN + 1, i, T0)).toThrow(/more than 5 minutes in the future/);
    expect(() => checkOccurredAt(i.startedAt, i, T0)).not.toThrow();
    expect(() => checkOccurredAt(T0 + 5 * MIN, i, T0)).not.toThrow();
  });

  it("starts now by default, clamps small skew, and refuses a start far ahead", () => {
    expect(resolveStartedAt(undefined, T0)).toBe(T0);
    expect(resolveStartedAt(T0 - MIN, T0)).toBe(T0 - MIN);
    expect(resolveStartedAt(T0 + 1000, T0)).toBe(T0);
    expect(statusOf(() => resolveStartedAt(T0 + 6 * MIN, T0))).toBe(400);
  });
});

describe("MTTD, MTTA, MTTR", () => {
  it("measures from start to detection, detection to acknowledgement, start to resolution", () => {
    expect(incidentMetrics(incident())).toEqual({ mttdMs: 10 * MIN, mttaMs: null, mttrMs: null });
    expect(incidentMetrics(incident({ acknowledgedAt: T0 + 2 * MIN, resolvedAt: T0 + 30 * MIN }))).toEqual({ mttdMs: 10 * MIN, mttaMs: 2 * MIN, mttrMs: 40 * MIN });
  });
});
