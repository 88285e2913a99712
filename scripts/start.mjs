// `npm start`: build the UI when there is no build yet, then run the production server.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

if (!existsSync(join(root, ".next", "BUILD_ID"))) {
  console.log("No production build yet: running `next build` (about a minute, once)…");
  const r = spawnSync(process.execPath, [join(root, "node_modules", "next", "dist", "bin", "next"), "build"], { stdio: "inherit" });
  if (r.status !== 0) {
    console.error("next build failed; see the output above.");
    process.exit(r.status ?? 1);
  }
}

process.env.NODE_ENV = "production";
// Source maps keep stack traces pointing at the TypeScript files.
process.setSourceMapsEnabled(true);
const { ensureServerBundle } = await import("./server-bundle.mjs");
const bundle = await ensureServerBundle(root);
await import(pathToFileURL(bundle).href);
