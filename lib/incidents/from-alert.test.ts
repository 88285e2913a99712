import { describe, expect, it } from "vitest";
import type { Alert } from "../alerts/model";
import type { DrillEffect } from "../drills/types";
import type { IncidentCtx } from "./context";
import { draftFromAlert } from "./from-alert";

const T = Date.UTC(2026, 10, 23, 12, 0, 0);
const alert = (over: Partial<Alert> = {}): Alert => ({
  id: "al_1",
  fingerprint: "0",
  kind: "threshold",
  name: "HighErrorRate",
  service: "checkout",
  tier: 1,
  severity: "page",
  state: "firing",
  value: 20,
  threshold: 5,
  activeAt: T,
  firedAt: T + 60_000,
  resolvedAt: null,
  labels: {},
  annotations: { summary: "20 % of requests to checkout fail" },
  source: "war-room",
  ...over,
});
const drill = (over: Partial<DrillEffect>): DrillEffect => ({ id: "d", kind: "errors", target: "checkout", magnitude: 20, startedAt: T - 5_000, endsAt: T + 300_000, stoppedAt: null, ...over });
const ctxWith = (drills: DrillEffect[], deps: string[] = []): IncidentCtx =>
  ({ drillsAffecting: (s: string) => drills.filter((d) => d.target === s || deps.includes(d.target)) }) as unknown as IncidentCtx;

describe("draftFromAlert", () => {
  it("starts the impact at activeAt and detects it when the alert fired", () => {
    expect(draftFromAlert(ctxWith([]), alert(), T + 120_000)).toMatchObject({ startedAt: T, detectedAt: T + 60_000, drill: false, drillReason: null, services: ["checkout"] });
  });

  it("detects a still-pending alert at activeAt (MTTD 0 until it fires)", () => {
    expect(draftFromAlert(ctxWith([]), alert({ state: "pending", firedAt: null }), T + 10_000)).toMatchObject({ startedAt: T, detectedAt: T });
  });

  it("is a drill when a drill on the service or a dependency ran while the alert was active", () => {
    expect(draftFromAlert(ctxWith([drill({})]), alert(), T + 120_000)).toMatchObject({ drill: true, drillReason: "drill errors on checkout since 11:59:55 UTC" });
    const onDep = draftFromAlert(ctxWith([drill({ target: "payments", kind: "dependency-outage" })], ["payments"]), alert(), T + 120_000);
    expect(onDep.drillReason).toBe("drill dependency-outage on payments (a dependency of checkout) since 11:59:55 UTC");
  });

  it("is not a drill for a drill long over before the alert, nor one that started after it resolved", () => {
    expect(draftFromAlert(ctxWith([drill({ startedAt: T - 900_000, endsAt: T - 600_000 })]), alert(), T + 120_000).drill).toBe(false);
    const resolved = alert({ state: "resolved", resolvedAt: T + 90_000 });
    expect(draftFromAlert(ctxWith([drill({ startedAt: T + 100_000 })]), resolved, T + 120_000).drill).toBe(false);
  });

  it("is a drill when the alert carries a drill label (Alertmanager game days)", () => {
    expect(draftFromAlert(ctxWith([]), alert({ source: "alertmanager", labels: { drill: "true" } }), T + 120_000)).toMatchObject({ drill: true, drillReason: 'the alert carries the label drill="true"' });
    expect(draftFromAlert(ctxWith([]), alert({ labels: { drill: "false" } }), T + 120_000).drill).toBe(false);
  });
});
