import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "./helpers";
import { startReceiver } from "./support/receiver";
import { NotificationsConfigSchema } from "../lib/notifications/config";
import type { Config } from "../lib/config/schema";

/** A game day's verdict reaches the channels whose rules ask for it (#18, `gameday.verdict`). */

const PLAN = `---
title: Search error spike
objective: Search holds 1 % errors while it fails a third of its requests
owner: discovery
services: [search]
hypothesis:
  - search.errorPct < 1
steps:
  - +0 drill errors on search 35% for 10s
  - +12s observe
maxDuration: 2m
---
`;

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let t: Awaited<ReturnType<typeof startTestServer>>;
let dir: string;

beforeAll(async () => {
  receiver = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), "war-room-gameday-notify-"));
  writeFileSync(join(dir, "search-spike.md"), PLAN);
  process.env.TEST_VERDICT_SECRET = "a-test-signing-key-of-enough-length";
  t = await startTestServer({
    configure: (c): Config => ({
      ...c,
      gamedays: dir,
      notifications: NotificationsConfigSchema.parse({
        timeoutSeconds: 1,
        channels: [
          { id: "verdicts", kind: "webhook", url: `${receiver.base}/verdicts`, secretEnv: "TEST_VERDICT_SECRET" },
          { id: "incidents", kind: "webhook", url: `${receiver.base}/incidents`, secretEnv: "TEST_VERDICT_SECRET" },
        ],
        // The default drill filter (exclude) must not drop verdicts: a game day is always a drill.
        rules: [
          { events: ["gameday.verdict"], channels: ["verdicts"] },
          { events: ["incident.declared", "incident.resolved"], channels: ["incidents"] },
        ],
      }),
    }),
  });
  await t.tick(3);
});

afterAll(async () => {
  await t?.dispose();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`http://127.0.0.1:${t.server.port}${path}`, { method, headers: { "content-type": "application/json", "x-war-room-user": "Ada" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as { run?: { id: string; status: string; verdict: string } } };
};

describe("game-day verdict notifications", () => {
  it("a run that ends sends exactly one gameday.verdict event with its outcome, and the drill incident itself sends nothing", async () => {
    const started = await call("POST", "/api/v1/gamedays/search-spike/runs");
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.run!.id;
    let run = started.body.run!;
    for (let i = 0; i < 60 && run.status === "running"; i++) {
      await t.tick(1);
      await t.server.warRoom.jobs.gamedays.run(t.clock.now());
      run = (await call("GET", `/api/v1/gamedays/search-spike/runs/${id}`)).body.run!;
    }
    expect(run.status).toBe("completed");
    expect(run.verdict).toBe("fail");

    await t.server.warRoom.jobs.notifications.run(t.clock.now());
    await t.server.warRoom.jobs.notifications.run(t.clock.now());

    const got = receiver.at("/verdicts");
    expect(got).toHaveLength(1);
    const ce = got[0].json as { type: string; data: { verdict: { gameDay: string; outcome: string }; incident: { drill: boolean } } };
    expect(ce.type).toBe("io.warroom.gameday.verdict");
    expect(ce.data.verdict.outcome).toBe("fail");
    expect(ce.data.incident.drill).toBe(true);
    // The run's drill incident is declared and resolved, but the incident rule excludes drills.
    expect(receiver.at("/incidents")).toHaveLength(0);
  });
});
