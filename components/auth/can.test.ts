import { describe, expect, it } from "vitest";
import { ACTION_ROLES, can, cannotReason, type Action } from "./can";

const ACTIONS = Object.keys(ACTION_ROLES) as Action[];
const RESPONDER: Action[] = [
  "incident.declare",
  "incident.status",
  "incident.severity",
  "incident.roles",
  "timeline.write",
  "timeline.pin",
  "timeline.editTime",
  "actionItems.write",
  "runbook.tick",
  "drill.start",
  "drill.stop",
  "alert.ack",
  "alert.silence",
  "postmortem.write",
];
const ADMIN: Action[] = ["postmortem.publish", "tokens.manage", "audit.read"];

describe("can", () => {
  it("lists every action as responder or admin, exactly as the server's table", () => {
    expect(new Set(ACTIONS)).toEqual(new Set([...RESPONDER, ...ADMIN]));
    for (const a of RESPONDER) expect(ACTION_ROLES[a]).toBe("responder");
    for (const a of ADMIN) expect(ACTION_ROLES[a]).toBe("admin");
  });

  it("lets a viewer write nothing", () => {
    for (const a of ACTIONS) expect(can("viewer", a)).toBe(false);
  });

  it("lets a responder do responder work but not publish, tokens or audit", () => {
    for (const a of RESPONDER) expect(can("responder", a)).toBe(true);
    for (const a of ADMIN) expect(can("responder", a)).toBe(false);
  });

  it("lets an admin do everything", () => {
    for (const a of ACTIONS) expect(can("admin", a)).toBe(true);
  });

  it("lets nobody who is signed out do anything", () => {
    for (const a of ACTIONS) {
      expect(can(null, a)).toBe(false);
      expect(can(undefined, a)).toBe(false);
    }
  });

  it("says why not, and nothing when allowed", () => {
    expect(cannotReason("viewer", "timeline.write")).toBe("Viewers can't write — ask an admin for the responder role");
    expect(cannotReason("responder", "postmortem.publish")).toBe("Needs the admin role — you are a responder");
    expect(cannotReason(null, "incident.declare")).toBe("Sign in to make changes");
    expect(cannotReason("responder", "timeline.write")).toBeNull();
    expect(cannotReason("admin", "tokens.manage")).toBeNull();
  });
});
