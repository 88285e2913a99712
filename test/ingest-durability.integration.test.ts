import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { runServerProcess } from "./support/server-process";
import { demoConfig } from "../lib/config/demo";
import { decodeSample } from "../lib/ingest/packed";
import { SampleSchema } from "../lib/ingest/schema";

const dataDir = mkdtempSync(join(tmpdir(), "war-room-push-durable-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
// Only push-fed services take pushes (lib/ingest/ownership.ts): the demo in push mode (JSON is YAML).
const configFile = join(dataDir, "config.yaml");
writeFileSync(configFile, JSON.stringify({ ...demoConfig, source: { kind: "push" } }));

const SERVICES = ["checkout", "payments", "search", "auth"];
const push = async (base: string, body: string) => {
  const r = await fetch(`${base}/api/v1/ingest`, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: r.status, body: (await r.json()) as unknown };
};

describe("JSON push durability", () => {
  it("a batch of 4,000 samples acknowledged with 200 is stored whole before the answer: after kill -9 it is all there and a resend is all duplicates", { timeout: 120_000 }, async () => {
    const t0 = Date.now() + 60_000;
    const samples = Array.from({ length: 4_000 }, (_, i) => {
      const requests = 100 + (i % 37);
      const latency = i % 2 ? { quantiles: { p50Ms: 20, p95Ms: 60 + (i % 9), p99Ms: 120 } } : { buckets: [{ leMs: 50, count: requests - 10 }, { leMs: 500, count: requests - 1 }, { leMs: "+Inf", count: requests }] };
      return { service: SERVICES[i % SERVICES.length], t: t0 + Math.floor(i / SERVICES.length), intervalSeconds: 1, requests, errors: i % 5, latency, saturation: { cpuPct: 40 + (i % 20) } };
    });
    const body = JSON.stringify({ samples });
    const first = runServerProcess(dataDir, configFile);
    const base = await first.live;
    expect(await push(base, body)).toEqual({ status: 200, body: { accepted: 4_000, duplicates: 0, late: 0 } });
    // No time for anything after the answer: the process dies at once.
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    // What the database file holds after the kill, read directly (no server running): every sample, as validated.
    const db = new BetterSqlite3(join(dataDir, "war-room.sqlite"), { readonly: true });
    try {
      const rows = db.prepare("select service, t, sample from ingest_samples").all() as { service: string; t: number; sample: Buffer }[];
      expect(rows).toHaveLength(4_000);
      const byKey = new Map(rows.map((r) => [`${r.service}@${r.t}`, decodeSample(r.service, r.t, r.sample)]));
      for (const s of samples) expect(byKey.get(`${s.service}@${s.t}`)).toEqual(SampleSchema.parse(s));
    } finally {
      db.close();
    }

    const second = runServerProcess(dataDir, configFile);
    try {
      const again = await second.live;
      expect(await push(again, body)).toEqual({ status: 200, body: { accepted: 0, duplicates: 4_000, late: 0 } });
    } finally {
      second.child.kill("SIGKILL");
      await second.exited;
    }
  });
});
