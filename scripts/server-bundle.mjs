// The production server as one prebuilt ES module (`.build/server.mjs`), so `npm start` does not
// compile ~250 TypeScript files with tsx at every start (about 0.9 s of the start-up of any estate,
// BENCHMARKS.md "Estate size"). Rebuilt when missing or older than any source file; npm packages
// stay external (resolved from node_modules as before).
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const SOURCES = ["server.ts", "lib", "package.json", "tsconfig.json"];

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Builds `.build/server.mjs` under `root` unless it is newer than every source; returns its path. */
export async function ensureServerBundle(root) {
  const dir = join(root, ".build");
  const out = join(dir, "server.mjs");
  if (existsSync(out)) {
    const built = statSync(out).mtimeMs;
    if (SOURCES.every((s) => !existsSync(join(root, s)) || newestMtime(join(root, s)) <= built)) return out;
  }
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [join(root, "server.ts")],
    outfile: out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
  });
  // The SQLite worker is loaded next to the module that starts it (lib/store/sqlite-worker-client.ts).
  copyFileSync(join(root, "lib", "store", "sqlite-worker.mjs"), join(dir, "sqlite-worker.mjs"));
  return out;
}
