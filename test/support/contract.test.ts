import { describe, expect, it } from "vitest";
import { expectFrameShape, expectRouteShape } from "./contract";

const incident = {
  id: "inc_1",
  number: 1,
  title: "Checkout errors",
  severity: "SEV2",
  status: "investigating",
  services: ["checkout"],
  drill: false,
  summary: "",
  startedAt: 1,
  detectedAt: 1,
  acknowledgedAt: null,
  identifiedAt: null,
  mitigatedAt: null,
  resolvedAt: null,
  closedAt: null,
  createdAt: 1,
  createdBy: "Ada",
  roles: [],
  version: 1,
};

describe("contract checks in the integration tests", () => {
  it("pass an answer that matches its route's contract", () => {
    expect(() => expectRouteShape("POST", "/api/v1/incidents", 201, { incident })).not.toThrow();
    expect(() => expectRouteShape("GET", "/api/v1/incidents/inc_1", 404, { error: { code: "not_found", message: "no incident" } })).not.toThrow();
  });

  it("fail on a missing field, a value outside its enum, or a field the contract does not name", () => {
    const { version: _version, ...noVersion } = incident;
    expect(() => expectRouteShape("POST", "/api/v1/incidents", 201, { incident: noVersion })).toThrow(/version/);
    expect(() => expectRouteShape("POST", "/api/v1/incidents", 201, { incident: { ...incident, severity: "SEV9" } })).toThrow(/severity/);
    expect(() => expectRouteShape("POST", "/api/v1/incidents", 201, { incident: { ...incident, secret: 1 } })).toThrow(/incident\.secret/);
    expect(() => expectRouteShape("GET", "/api/v1/incidents/inc_1", 404, { message: "no" })).toThrow();
  });

  it("check live frames by channel and event", () => {
    expect(() => expectFrameShape({ type: "event", channel: "board", event: "tick", data: { t: 1, points: {} } })).not.toThrow();
    expect(() => expectFrameShape({ type: "event", channel: "service:checkout", event: "tick", data: { t: 1, point: { p99: 1 } } })).toThrow(/point/);
    expect(() => expectFrameShape({ type: "event", channel: "board", event: "nonsense", data: {} })).toThrow(/no contract/);
  });
});
