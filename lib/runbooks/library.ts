import { watch, type FSWatcher } from "node:fs";
import { EventEmitter } from "node:events";
import type { Clock } from "../time";
import type { Logger } from "../log";
import { loadRunbookTree } from "./loader";
import { runbookOf, summaryOf, type InvalidRunbook, type ParsedRunbook, type Runbook, type RunbookSummary, type SearchHit } from "./model";
import { RunbookIndex } from "./search";
import { alertNames, rankForAlert } from "./rank";

const DEBOUNCE_MS = 200;

/**
 * The runbooks being served: the folder's current set and its search index, swapped whole
 * after each reload so readers never see half a reload. `watch()` reloads on changes on disk.
 * Emits "change" after each reload that was caused by the disk.
 */
export class RunbookLibrary extends EventEmitter<{ change: []; error: [Error] }> {
  readonly dir: string;
  private readonly clock: Clock;
  private readonly logger?: Logger;
  private runbooks: ParsedRunbook[] = [];
  private invalidFiles: InvalidRunbook[] = [];
  private bySlug = new Map<string, ParsedRunbook>();
  private index = new RunbookIndex([]);
  private watcher: FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private reloading: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(opts: { dir: string; clock: Clock; logger?: Logger }) {
    super();
    this.dir = opts.dir;
    this.clock = opts.clock;
    this.logger = opts.logger;
  }

  /** Reads the whole tree and swaps it in. Concurrent calls coalesce into one more reload. */
  async load(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.again = false;
          const began = performance.now();
          const tree = await loadRunbookTree(this.dir);
          const index = new RunbookIndex(tree.runbooks);
          this.runbooks = tree.runbooks;
          this.invalidFiles = tree.invalid;
          this.bySlug = new Map(tree.runbooks.map((r) => [r.slug, r]));
          this.index = index;
          this.logger?.info({ dir: this.dir, runbooks: tree.runbooks.length, invalid: tree.invalid.length, ms: Math.round(performance.now() - began) }, "runbooks loaded");
        } while (this.again && !this.closed);
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }

  /** Every runbook by title, and the files that could not be read. */
  list(): { runbooks: RunbookSummary[]; invalid: InvalidRunbook[] } {
    const now = this.clock.now();
    return { runbooks: this.runbooks.map((r) => summaryOf(r, now)), invalid: [...this.invalidFiles] };
  }

  get(slug: string): Runbook | undefined {
    const rb = this.bySlug.get(slug);
    return rb ? runbookOf(rb, this.clock.now()) : undefined;
  }

  byService(service: string): RunbookSummary[] {
    const now = this.clock.now();
    return this.runbooks.filter((r) => r.services.includes(service)).map((r) => summaryOf(r, now));
  }

  /**
   * Runbooks listing the alert by name. For burn-rate alerts (`ErrorBudgetBurn:<slo>:<rule>`)
   * a runbook listing `ErrorBudgetBurn:<slo>` or the SLO id matches too.
   */
  byAlert(name: string): RunbookSummary[] {
    const names = alertNames(name);
    const now = this.clock.now();
    return this.runbooks.filter((r) => r.alerts.some((a) => names.has(a))).map((r) => summaryOf(r, now));
  }

  /** Runbooks for an alert on a service, best first (./rank.ts); `runbook`: the slug its runbook_url names. */
  forAlert(q: { alert: string; service?: string; runbook?: string }): RunbookSummary[] {
    const now = this.clock.now();
    return rankForAlert(this.runbooks, q).map((r) => summaryOf(r, now));
  }

  /** Best first, at most `limit` (≤ 20 by default); never throws on odd input. */
  search(query: string, limit = 20): SearchHit[] {
    const now = this.clock.now();
    return this.index.search(query, limit).flatMap((m) => {
      const rb = this.bySlug.get(m.slug);
      return rb ? [{ ...summaryOf(rb, now), score: m.score, match: m.match, snippet: m.snippet }] : [];
    });
  }

  /** Reloads (debounced) whenever something under the folder changes. A missing folder is not watched. */
  watch(): void {
    if (this.watcher || this.closed) return;
    try {
      this.watcher = watch(this.dir, { recursive: true, persistent: false }, () => this.schedule());
      this.watcher.on("error", (err) => {
        this.logger?.warn({ err, dir: this.dir }, "runbook folder watch failed; changes need a restart");
        this.watcher?.close();
        this.watcher = null;
      });
    } catch (err) {
      this.logger?.warn({ err, dir: this.dir }, "cannot watch the runbook folder; changes need a restart");
    }
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.load().then(
        () => {
          if (!this.closed) this.emit("change");
        },
        (err: Error) => {
          this.logger?.warn({ err, dir: this.dir }, "runbook reload failed; keeping the previous set");
          if (this.listenerCount("error") > 0) this.emit("error", err);
        },
      );
    }, DEBOUNCE_MS);
    this.debounce.unref();
  }
}
