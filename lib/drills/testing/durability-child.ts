/**
 * Child process of the durability test: opens the store, inserts one drill, prints
 * "ACK <id>" only once the insert has resolved, then keeps writing until it is SIGKILLed.
 * Usage: node --import tsx durability-child.ts '{"dataDir":"…","databaseUrl":"…","pgSchema":"…","id":"…"}'
 */
import { openStore } from "../../store/store";
import { insertDrill } from "../repo";
import type { Drill } from "../types";

type Args = { dataDir: string; databaseUrl?: string; pgSchema?: string; id: string };

function drill(id: string, now: number): Drill & { createdAt: number } {
  return { id, kind: "latency", target: "checkout", magnitude: 5, startedAt: now, endsAt: now + 60_000, stoppedAt: null, createdBy: "durability-test", note: "", createdAt: now };
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? "{}") as Args;
  const store = await openStore({ dataDir: args.dataDir, databaseUrl: args.databaseUrl, pgSchema: args.pgSchema });
  await insertDrill(store, drill(args.id, Date.now()));
  process.stdout.write(`ACK ${args.id}\n`);
  // Keep the database busy so the kill lands in the middle of later writes.
  for (let i = 0; ; i++) await insertDrill(store, drill(`${args.id}-after-${i}`, Date.now()));
}

main().catch((e: unknown) => {
  process.stderr.write(`durability-child failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
