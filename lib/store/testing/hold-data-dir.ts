/**
 * Child process of the SQLite single-instance test (lib/store/open.test.ts): opens the store on a
 * data folder, prints "HELD <pid>" and keeps it open until it is killed.
 * Usage: node --import tsx hold-data-dir.ts <dataDir>
 */
import { openStore } from "../store";

openStore({ dataDir: process.argv[2] ?? "" }).then(
  () => {
    process.stdout.write(`HELD ${process.pid}\n`);
    setInterval(() => undefined, 60_000);
  },
  (e: unknown) => {
    process.stderr.write(`hold-data-dir failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
