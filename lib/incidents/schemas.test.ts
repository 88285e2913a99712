import { describe, expect, it } from "vitest";
import { CreateActionItemSchema, CreateEntrySchema, CreateIncidentSchema, ListIncidentsQuerySchema, PatchActionItemSchema, PatchIncidentSchema } from "./schemas";
import { parseInput } from "./context";
import { signalSnapshot } from "./snapshot";
import type { SignalPoint } from "../signals/types";

const messageOf = (schema: Parameters<typeof parseInput>[0], input: unknown) => {
  try {
    parseInput(schema, input, "thing");
    return null;
  } catch (e) {
    return (e as Error).message;
  }
};

describe("incident input schemas", () => {
  it("fills defaults and removes duplicate services", () => {
    expect(CreateIncidentSchema.parse({ title: "  Checkout down ", severity: "SEV1", services: ["checkout", "checkout", "auth"] })).toEqual({
      title: "Checkout down",
      severity: "SEV1",
      services: ["checkout", "auth"],
      summary: "",
    });
  });

  it("needs a title and services unless declared from an alert", () => {
    expect(messageOf(CreateIncidentSchema, { severity: "SEV1", services: ["a"] })).toMatch(/title: title is required \(or declare from an alert with alertId\)/);
    expect(messageOf(CreateIncidentSchema, { title: "x", severity: "SEV1" })).toMatch(/services: list at least one affected service/);
    expect(CreateIncidentSchema.parse({ severity: "SEV2", alertId: "al_1" })).toEqual({ severity: "SEV2", alertId: "al_1", summary: "" });
  });

  it.each([
    [{ title: " ", severity: "SEV1", services: ["a"] }, "invalid thing: title: title must not be empty"],
    [{ title: "x", severity: "SEV5", services: ["a"] }, "invalid thing: severity: severity must be one of SEV1, SEV2, SEV3, SEV4"],
    [{ title: "x", severity: "SEV1", services: [] }, "invalid thing: services: list at least one affected service"],
    [{ title: "x".repeat(201), severity: "SEV1", services: ["a"] }, "invalid thing: title: title is longer than 200 characters"],
    [{ title: "x", severity: "SEV1", services: ["a"], extra: 1 }, expect.stringMatching(/Unrecognized key/)],
  ])("refuses a bad declaration with a precise message (%#)", (input, message) => {
    expect(messageOf(CreateIncidentSchema, input)).toEqual(message);
  });

  it("needs a version and something to change", () => {
    expect(messageOf(PatchIncidentSchema, { status: "identified" })).toMatch(/version is required/);
    expect(messageOf(PatchIncidentSchema, { version: 1 })).toMatch(/nothing to change/);
    expect(messageOf(PatchIncidentSchema, { version: 1, status: "fixed" })).toMatch(/status must be one of investigating/);
  });

  it("allows one holder of a single role, several subject-matter experts", () => {
    const roles = (r: unknown) => messageOf(PatchIncidentSchema, { version: 1, roles: r });
    expect(roles([{ role: "sme", name: "A" }, { role: "sme", name: "B" }])).toBeNull();
    expect(roles([{ role: "incident-commander", name: "A" }, { role: "incident-commander", name: "B" }])).toMatch(/roles\[1\]: incident-commander can be held by one person only/);
    expect(roles([{ role: "chef", name: "A" }])).toMatch(/role must be one of/);
  });

  it("accepts only writable entry kinds and bodies of 1 to 10 000 characters", () => {
    expect(CreateEntrySchema.parse({ kind: "note", body: "x".repeat(10_000) }).pinned).toBe(false);
    expect(messageOf(CreateEntrySchema, { kind: "note", body: "x".repeat(10_001) })).toMatch(/body is longer than 10 000 characters/);
    expect(messageOf(CreateEntrySchema, { kind: "note", body: "  \n" })).toMatch(/body must not be empty/);
    expect(messageOf(CreateEntrySchema, { kind: "status-change", body: "x" })).toMatch(/kind must be one of note, decision, action/);
    expect(messageOf(CreateEntrySchema, { kind: "note", body: "x", occurredAt: 1.5 })).toMatch(/occurredAt must be whole milliseconds/);
  });

  it("takes only http(s) ticket URLs on action items", () => {
    expect(CreateActionItemSchema.parse({ title: "Add alert", type: "detect", ticketUrl: "https://t.example/1" })).toMatchObject({ priority: "P3", owner: "", dueAt: null });
    expect(messageOf(CreateActionItemSchema, { title: "x", type: "detect", ticketUrl: "javascript:alert(1)" })).toMatch(/ticketUrl must be an http or https URL/);
    expect(messageOf(PatchActionItemSchema, { version: 2, status: "finished" })).toMatch(/status must be one of open, in-progress, done, wont-do/);
    expect(PatchActionItemSchema.parse({ version: 2, ticketUrl: null })).toEqual({ version: 2, ticketUrl: null });
  });

  it("parses list queries from URL strings", () => {
    expect(ListIncidentsQuerySchema.parse({ status: "active", drill: "false", limit: "5" })).toEqual({ status: "active", drill: false, limit: 5 });
    expect(messageOf(ListIncidentsQuerySchema, { status: "open" })).toMatch(/status must be one of active, resolved, closed, all/);
  });
});

describe("signal snapshot", () => {
  const point = (t: number, over: Partial<SignalPoint> = {}): SignalPoint => ({ t, p50: 1, p95: 2, p99: 312.3456, p999: 4, rps: 1234.56, errorPct: 0.12345, error5xxPct: 0, cpuPct: 40, memPct: 71.5, poolPct: 55, ...over });
  it("takes p99, traffic, errors and the highest saturation of each listed service with data", () => {
    const latest = (id: string) => ({ checkout: point(2000), auth: point(3000, { poolPct: 93 }) })[id] ?? null;
    expect(signalSnapshot(["checkout", "auth", "search"], latest, 9000)).toEqual({
      t: 3000,
      services: {
        checkout: { p99: 312.3, rps: 1235, errorPct: 0.1235, saturationPct: 71.5 },
        auth: { p99: 312.3, rps: 1235, errorPct: 0.1235, saturationPct: 93 },
      },
    });
    expect(signalSnapshot(["search"], latest, 9000)).toEqual({ t: 9000, services: {} });
  });
});
