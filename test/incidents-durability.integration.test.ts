import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runServerProcess } from "./support/server-process";
import { demoConfig } from "../lib/config/demo";

const dataDir = mkdtempSync(join(tmpdir(), "war-room-inc-durable-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
// The demo with "search" fed by push (only push-fed services take pushed samples); JSON is YAML.
const configFile = join(dataDir, "config.yaml");
writeFileSync(configFile, JSON.stringify({ ...demoConfig, services: demoConfig.services.map((s) => (s.id === "search" ? { ...s, source: "push" } : s)) }));

const runServer = () => runServerProcess(dataDir, configFile);

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: JSON.stringify(body) });

describe("incident durability", () => {
  it("an incident and an entry acknowledged with 201 survive kill -9", { timeout: 60_000 }, async () => {
    const first = runServer();
    const base = await first.live;
    const declared = await post(`${base}/api/v1/incidents`, { title: "Checkout down", severity: "SEV1", services: ["checkout"] });
    expect(declared.status).toBe(201);
    const { incident } = await declared.json();
    const noted = await post(`${base}/api/v1/incidents/${incident.id}/timeline`, { kind: "decision", body: "Fail over to eu-west" });
    expect(noted.status).toBe(201);
    const { entry } = await noted.json();
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const second = runServer();
    try {
      const again = await second.live;
      const r = await fetch(`${again}/api/v1/incidents/${incident.id}`);
      expect(r.status).toBe(200);
      const detail = await r.json();
      expect(detail.incident).toMatchObject({ id: incident.id, number: incident.number, title: "Checkout down" });
      expect(detail.timeline.map((e: { id: string }) => e.id)).toContain(entry.id);
      expect(detail.timeline.find((e: { id: string }) => e.id === entry.id)).toEqual(entry);
    } finally {
      second.child.kill("SIGKILL");
      await second.exited;
    }
  });
});

describe("postmortem, ingest and Alertmanager durability", () => {
  it("a saved postmortem, pushed samples and a received alert acknowledged with 2xx survive kill -9", { timeout: 90_000 }, async () => {
    const first = runServer();
    const base = await first.live;
    const patch = (url: string, body: unknown) => fetch(url, { method: "PATCH", headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: JSON.stringify(body) });
    const { incident } = await (await post(`${base}/api/v1/incidents`, { title: "Search slow", severity: "SEV3", services: ["search"] })).json();
    const resolved = await patch(`${base}/api/v1/incidents/${incident.id}`, { version: incident.version, status: "resolved" });
    expect(resolved.status).toBe(200);
    expect((await post(`${base}/api/v1/incidents/${incident.id}/postmortem`, { template: "short" })).status).toBe(201);
    const saved = await patch(`${base}/api/v1/incidents/${incident.id}/postmortem`, { version: 1, body: "# Search slow\n\nThe index rebuild starved the query pool." });
    expect(saved.status).toBe(200);

    const t = Date.now() + 2_000;
    const batch = { samples: [0, 1, 2].map((i) => ({ service: "search", t: t + i * 1000, intervalSeconds: 1, requests: 100, errors: 1 })) };
    expect(await (await post(`${base}/api/v1/ingest`, batch)).json()).toEqual({ accepted: 3, duplicates: 0, late: 0 });

    const webhook = { version: "4", groupKey: "k", status: "firing", alerts: [{ status: "firing", labels: { alertname: "SearchSlow", service: "search", severity: "warning" }, annotations: { summary: "slow" }, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z" }] };
    expect((await (await post(`${base}/api/v1/integrations/alertmanager`, webhook)).json()).changes).toBe(1);

    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const second = runServer();
    try {
      const again = await second.live;
      const pm = (await (await fetch(`${again}/api/v1/incidents/${incident.id}/postmortem`)).json()).postmortem;
      expect(pm).toMatchObject({ version: 2, body: "# Search slow\n\nThe index rebuild starved the query pool." });
      // The samples were stored: the same batch again is all duplicates.
      expect(await (await post(`${again}/api/v1/ingest`, batch)).json()).toEqual({ accepted: 0, duplicates: 3, late: 0 });
      const alerts = await (await fetch(`${again}/api/v1/alerts`)).json();
      expect(alerts.firing.map((a: { name: string }) => a.name)).toContain("SearchSlow");
    } finally {
      second.child.kill("SIGKILL");
      await second.exited;
    }
  });
});
