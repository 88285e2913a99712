import { describe, expect, it } from "vitest";
import { DEFAULT_LIMIT, auditQuery, parseAuditFilters } from "./auditFilters";

const from = (q: string) => {
  const p = new URLSearchParams(q);
  return parseAuditFilters((k) => p.get(k));
};

describe("audit filters in the URL", () => {
  it("round-trips every filter", () => {
    const f = from("actor=rhea&action=POST+%2Fapi%2Fv1%2Fincidents&result=4xx&from=1000&to=2000&limit=50");
    expect(f).toEqual({ actor: "rhea", action: "POST /api/v1/incidents", result: "4xx", from: 1000, to: 2000, limit: 50 });
    expect(from(auditQuery(f))).toEqual(f);
  });

  it("drops what it cannot read instead of sending it", () => {
    expect(from("result=3xx&from=yesterday&limit=5000")).toEqual({ actor: "", action: "", result: null, from: null, to: null, limit: DEFAULT_LIMIT });
    expect(auditQuery({ actor: "", action: "", result: null, from: null, to: null, limit: null })).toBe("");
  });
});
