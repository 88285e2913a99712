import { describe, expect, it } from "vitest";
import { announcements, type AnnounceSnapshot } from "./announce";

const snap = (status: string, services: Record<string, string>, firing: Record<string, string> = {}): AnnounceSnapshot => ({
  status,
  services: new Map(Object.entries(services).map(([id, state]) => [id, { name: id.toUpperCase(), state }])),
  firing: new Map(Object.entries(firing)),
});

describe("board announcements", () => {
  it("says nothing for the first snapshot and for an unchanged one", () => {
    const a = snap("HEALTHY", { auth: "ok" });
    expect(announcements(null, a)).toEqual([]);
    expect(announcements(a, snap("HEALTHY", { auth: "ok" }))).toEqual([]);
  });

  it("announces a status change, the services that changed and new firing alerts", () => {
    const before = snap("HEALTHY", { auth: "ok", search: "ok" }, { a1: "Old on Auth" });
    const after = snap("CRITICAL", { auth: "ok", search: "critical" }, { a1: "Old on Auth", a2: "HighLatencyP99 on Search" });
    expect(announcements(before, after)).toEqual(["Overall status CRITICAL.", "SEARCH is now critical.", "Alert firing: HighLatencyP99 on Search."]);
  });

  it("sums up many changes instead of reading a list of hundreds", () => {
    const ids = ["a", "b", "c", "d", "e"];
    const before = snap("HEALTHY", Object.fromEntries(ids.map((i) => [i, "ok"])));
    const after = snap("DEGRADED", Object.fromEntries(ids.map((i) => [i, "warn"])), Object.fromEntries(ids.map((i) => [i, `r on ${i}`])));
    expect(announcements(before, after)).toEqual(["Overall status DEGRADED.", "5 services changed state.", "5 new alerts firing."]);
  });

  it("does not read tile changes while the data is stale", () => {
    expect(announcements(snap("HEALTHY", { auth: "ok" }), snap("STALE", { auth: "unknown" }))).toEqual(["Overall status no fresh data, the values shown are the last received."]);
  });
});
