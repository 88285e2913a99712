import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./durability-child.ts", import.meta.url));
const ROOT = path.resolve(path.dirname(CHILD), "../../..");

export type DurabilityChildArgs = { dataDir: string; databaseUrl?: string; pgSchema?: string; id: string };

/**
 * Runs durability-child.ts, waits for its "ACK <id>" line and SIGKILLs it at once.
 * Resolves with the signal that ended it; rejects with the child's stderr if it never acked.
 */
export async function killAfterAck(args: DurabilityChildArgs): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(args)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  const lines = readline.createInterface({ input: child.stdout });
  try {
    const acked = await new Promise<boolean>((resolve) => {
      lines.on("line", (line) => line === `ACK ${args.id}` && resolve(true));
      void exited.then(() => resolve(false));
    });
    if (!acked) throw new Error(`durability child exited without ACK:\n${stderr}`);
    child.kill("SIGKILL");
    return await exited;
  } finally {
    lines.close();
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
