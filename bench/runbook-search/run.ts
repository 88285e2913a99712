/**
 * Runbook search bench: 10,000 generated runbooks (2–5 KB each) parsed and indexed as the
 * server does (lib/runbooks), then mixed queries (prefix, typo, multi-word) timed one by one.
 *
 *   npm run bench:search -- [--docs 10000] [--queries 3000] [--seed 7] [--cache 0]
 *
 * `--cache 0` turns the per-index results cache off, so repeated queries are computed again.
 *
 * Prints a summary; writes JSON to bench/results/runbook-search-<UTC timestamp>.json.
 * Run with `node --expose-gc` (NODE_OPTIONS=--expose-gc) for a steadier heap figure.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseRunbook } from "../../lib/runbooks/parse";
import { RunbookIndex, SEARCH_CACHE_SIZE, queryTerms } from "../../lib/runbooks/search";
import type { ParsedRunbook } from "../../lib/runbooks/model";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const DOCS = arg("docs", 10_000);
const QUERIES = Math.max(2_000, arg("queries", 3_000));
const SEED = arg("seed", 7);
/** Results cache entries (`--cache 0`: every query computed); default: the index's own default. */
const CACHE = arg("cache", -1);

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

const SRE = `latency error errors timeout timeouts saturation cpu memory disk network packet loss dns tls certificate expiry
database replica replication lag primary failover connection pool exhausted deadlock lock contention query slow index
cache redis memcached eviction hit ratio queue kafka consumer backlog partition rebalance broker zookeeper throughput
kubernetes pod node eviction oomkilled crashloop restart deployment rollout rollback canary feature flag config drift
load balancer ingress gateway proxy envoy nginx upstream downstream dependency circuit breaker retry storm thundering herd
autoscaling capacity quota throttling rate limit abuse bot traffic spike ddos waf firewall vpn peering region zone outage
payments checkout cart order inventory catalog search recommendations notifications email sms push auth login session token
certificate rotation secret vault iam permission denied storage bucket s3 object latency p99 p95 apdex slo sli budget burn
alert page ticket escalation oncall incident commander postmortem mitigation diagnosis symptoms impact customer revenue
elasticsearch shard relocation heap gc pause jvm thread pool starvation goroutine leak file descriptor ulimit ephemeral port
cron job batch backfill migration schema vacuum bloat autovacuum wraparound checkpoint wal archive backup restore snapshot
cdn edge cache purge origin shield compression brotli http2 grpc websocket keepalive idle reset handshake mtls sidecar mesh`
  .split(/\s+/)
  .filter(Boolean);
const SYLL = ["ka", "lo", "mi", "ra", "ven", "tor", "ix", "ul", "zen", "pha", "qu", "stro", "bel", "dri", "nox", "ter", "van", "cel", "or", "py"];
const coined = [...new Set(Array.from({ length: 20_000 }, () => Array.from({ length: int(2, 4) }, () => pick(SYLL)).join("")))];
const vocab = [...new Set([...SRE, ...coined])];
// Words of real prose follow Zipf's law: rank r is used about 1/r as often. The SRE words are
// spread over the ranks (some very common, most rare), as in a real runbook collection.
const ranked = [...vocab].sort(() => rnd() - 0.5);
const cumulative: number[] = [];
ranked.reduce((sum, _w, r) => (cumulative[r] = sum + 1 / (r + 1)), 0);
function zipfWord(): string {
  const x = rnd() * cumulative[cumulative.length - 1];
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return ranked[lo];
}
const services = Array.from({ length: 400 }, () => `${pick(SRE)}-${pick(coined)}`.replace(/[^a-z0-9-]/g, ""));
const camel = (w: string) => w[0].toUpperCase() + w.slice(1);
const alerts = Array.from({ length: 300 }, () => `${camel(pick(SRE))}${camel(pick(SRE))}${pick(["High", "Low", "Saturated", "Failing", "Burn", ""])}`);
const sentence = (n: number) => Array.from({ length: n }, () => zipfWord()).join(" ");
const titleWords = (n: number) => Array.from({ length: n }, () => (rnd() < 0.6 ? pick(SRE) : zipfWord())).join(" ");

function generate(i: number): string {
  const title = `${camel(titleWords(int(2, 5)))} ${i}`;
  const sections = ["Symptoms", "Impact", "Diagnosis", "Mitigation", "Escalation"];
  const target = int(2_000, 5_000);
  let body = `# ${title}\n\n`;
  let s = 0;
  while (body.length < target) {
    body += `## ${sections[s % sections.length]}${s >= sections.length ? ` ${s}` : ""}\n`;
    body += `${camel(sentence(int(12, 30)))}.\n\n`;
    for (let k = int(2, 5); k > 0; k--) body += `- [ ] ${camel(sentence(int(4, 10)))}\n`;
    if (rnd() < 0.5) body += "```sh\nkubectl -n prod " + sentence(int(3, 6)) + "\n```\n";
    body += "\n";
    s++;
  }
  const fm = [
    "---",
    `title: ${title}`,
    `services: [${Array.from({ length: int(1, 3) }, () => pick(services)).join(", ")}]`,
    `alerts: [${Array.from({ length: int(1, 3) }, () => pick(alerts)).join(", ")}]`,
    `owner: team-${pick(coined)}`,
    `last_reviewed: 2026-${String(int(1, 11)).padStart(2, "0")}-${String(int(1, 28)).padStart(2, "0")}`,
    `tags: [${Array.from({ length: int(2, 5) }, () => pick(SRE)).join(", ")}]`,
    "---",
  ].join("\n");
  return `${fm}\n${body}`;
}

function typo(w: string): string {
  const i = int(1, w.length - 2);
  const op = int(0, 2);
  if (op === 0) return w.slice(0, i) + w.slice(i + 1);
  if (op === 1) return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
  return w.slice(0, i) + pick(["a", "e", "o", "r", "t"]) + w.slice(i + 1);
}

type Kind = "prefix" | "typo" | "multi" | "exact";
function query(docs: ParsedRunbook[]): { kind: Kind; q: string } {
  const r = rnd();
  const long = SRE.filter((w) => w.length >= 6);
  if (r < 0.3) {
    const w = rnd() < 0.7 ? pick(SRE) : zipfWord();
    return { kind: "prefix", q: w.slice(0, Math.min(w.length, int(3, 5))) };
  }
  if (r < 0.6) return { kind: "typo", q: typo(pick(long)) };
  if (r < 0.9) {
    const words = pick(docs).title.split(" ").slice(0, -1);
    return { kind: "multi", q: Array.from({ length: int(2, 3) }, () => pick(words)).join(" ") };
  }
  return { kind: "exact", q: pick(SRE) };
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const gc = (globalThis as { gc?: () => void }).gc;

const texts = Array.from({ length: DOCS }, (_, i) => generate(i));
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
let t0 = performance.now();
const docs = texts.map((t, i) => parseRunbook(`gen/${i}`, t));
const parseMs = performance.now() - t0;
t0 = performance.now();
const index = new RunbookIndex(docs, CACHE >= 0 ? { cacheSize: CACHE } : {});
const buildMs = performance.now() - t0;
texts.length = 0;
gc?.();
const heapMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

const queries = Array.from({ length: QUERIES }, () => query(docs));
for (const { q } of queries.slice(0, 200)) index.search(q);
const times: Record<Kind | "all", number[]> = { prefix: [], typo: [], multi: [], exact: [], all: [] };
let empty = 0;
// Queries asked before (in the warm-up or the run): answered from the cache unless --cache 0.
const asked = new Set(queries.slice(0, 200).map(({ q }) => queryTerms(q).join(" ")));
let repeated = 0;
const slowest: { i: number; kind: Kind; q: string; ms: number }[] = [];
queries.forEach(({ kind, q }, i) => {
  const norm = queryTerms(q).join(" ");
  if (asked.has(norm)) repeated++;
  asked.add(norm);
  const s = performance.now();
  const hits = index.search(q);
  const ms = performance.now() - s;
  if (hits.length === 0) empty++;
  times[kind].push(ms);
  times.all.push(ms);
  slowest.push({ i, kind, q, ms: round(ms) });
  slowest.sort((a, b) => b.ms - a.ms);
  slowest.length = Math.min(slowest.length, 10);
});
const summary = Object.fromEntries(
  Object.entries(times).map(([k, xs]) => {
    xs.sort((a, b) => a - b);
    return [k, { n: xs.length, p50: round(pct(xs, 50)), p95: round(pct(xs, 95)), p99: round(pct(xs, 99)), max: round(xs[xs.length - 1]) }];
  }),
);

const result = {
  bench: "runbook-search",
  at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, gcExposed: gc !== undefined },
  docs: DOCS,
  avgDocBytes: Math.round(bytes / DOCS),
  vocabulary: vocab.length,
  parseMs: Math.round(parseMs),
  buildMs: Math.round(buildMs),
  indexHeapMiB: round(heapMiB, 1),
  queries: QUERIES,
  emptyResults: empty,
  cacheSize: CACHE >= 0 ? CACHE : SEARCH_CACHE_SIZE,
  repeatedQueries: repeated,
  slowest,
  latencyMs: summary,
  targetP99Ms: 5,
};
console.log(`runbook search: ${DOCS} runbooks, avg ${result.avgDocBytes} B, vocabulary ${vocab.length}`);
console.log(`  parse ${result.parseMs} ms, index build ${result.buildMs} ms, heap (runbooks + index) ${result.indexHeapMiB} MiB`);
console.log(`  ${QUERIES} queries (${empty} without hits; ${repeated} asked before, cache ${result.cacheSize} entries)`);
console.log(`  slowest: ${slowest.slice(0, 5).map((x) => `#${x.i} ${x.kind} "${x.q}" ${x.ms} ms`).join(", ")}`);
for (const [k, v] of Object.entries(summary)) console.log(`  ${k.padEnd(6)} n=${String(v.n).padStart(5)}  p50 ${v.p50} ms  p95 ${v.p95} ms  p99 ${v.p99} ms  max ${v.max} ms`);
console.log(`  target p99 ≤ 5 ms: ${summary.all.p99 <= 5 ? "met" : "NOT met"}`);
const dir = path.join(import.meta.dirname, "..", "results");
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `runbook-search-${result.at.replace(/:/g, "-").replace(/\.\d+Z$/, "Z")}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`  wrote ${path.relative(process.cwd(), file)}`);
