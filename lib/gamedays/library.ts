import { watch, type FSWatcher } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../log";
import { parsePlan, type InvalidPlan, type Plan, type PlanNames } from "./plan";

const DEBOUNCE_MS = 200;
const MAX_PLAN_BYTES = 256 * 1024;

/**
 * The game-day plans of a folder kept in Git (config `gamedays:`, default ./gamedays), read like
 * the runbooks (lib/runbooks/library.ts): every `*.md` file is a plan or listed as invalid with
 * `file:line` problems; the set is swapped whole on each reload, and `watch()` reloads on change.
 */
export class PlanLibrary {
  readonly dir: string;
  private readonly names: PlanNames;
  private readonly logger?: Logger;
  private plans = new Map<string, Plan>();
  private invalidFiles: InvalidPlan[] = [];
  private watcher: FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(opts: { dir: string; names: PlanNames; logger?: Logger }) {
    this.dir = opts.dir;
    this.names = opts.names;
    this.logger = opts.logger;
  }

  async load(): Promise<void> {
    const plans = new Map<string, Plan>();
    const invalid: InvalidPlan[] = [];
    let files: string[] = [];
    try {
      files = (await readdir(this.dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith(".md") && !e.name.startsWith(".")).map((e) => e.name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
    }
    for (const name of files.sort()) {
      const slug = name.slice(0, -".md".length);
      const r = await readPlan(join(this.dir, name), slug, this.names);
      if ("problems" in r) invalid.push({ path: name, problems: r.problems });
      else plans.set(slug, r);
    }
    this.plans = plans;
    this.invalidFiles = invalid;
    for (const f of invalid) for (const p of f.problems) this.logger?.warn({ dir: this.dir }, `game-day plan ${f.path}:${p.line}: ${p.message}`);
    this.logger?.info({ dir: this.dir, plans: plans.size, invalid: invalid.length }, "game-day plans loaded");
  }

  list(): Plan[] {
    return [...this.plans.values()].sort((a, b) => a.title.localeCompare(b.title));
  }

  get(slug: string): Plan | undefined {
    return this.plans.get(slug);
  }

  invalid(): InvalidPlan[] {
    return [...this.invalidFiles];
  }

  watch(): void {
    if (this.watcher || this.closed) return;
    try {
      this.watcher = watch(this.dir, { persistent: false }, () => this.schedule());
      this.watcher.on("error", () => {
        this.watcher?.close();
        this.watcher = null;
      });
    } catch (err) {
      this.logger?.warn({ err, dir: this.dir }, "cannot watch the game-day folder; changes need a restart");
    }
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.debounce) clearTimeout(this.debounce);
  }

  private schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      if (!this.closed) void this.load().catch((err: unknown) => this.logger?.warn({ err: String(err) }, "could not reload game-day plans"));
    }, DEBOUNCE_MS);
    this.debounce.unref();
  }
}

async function readPlan(path: string, slug: string, names: PlanNames): Promise<Plan | { problems: { line: number; message: string }[] }> {
  try {
    const { size } = await stat(path);
    if (size > MAX_PLAN_BYTES) return { problems: [{ line: 1, message: `file is ${size} bytes; a plan may be at most 256 KiB` }] };
    return parsePlan(slug, await readFile(path, "utf8"), names);
  } catch (err) {
    return { problems: [{ line: 1, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }] };
  }
}
