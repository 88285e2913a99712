import { writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A config of `n` simulated services in 12 teams (the e2e copy of what test/support/estate.ts will
 * give: one file, so it can be swapped for that). A few services run hot so the board has
 * warnings and criticals to put first.
 */
export function estateConfig(n: number, opts: EstateOptions = {}): string {
  const teams = ["payments", "identity", "search", "platform", "messaging", "catalog", "checkout", "growth", "data", "mobile", "ads", "support"];
  const lines = ["title: War Room — estate", "tickSeconds: 1", "source: { kind: simulator, seed: 11 }", "defaults:", "  thresholds:", "    p99: { warn: 300, critical: 800 }", "    errorPct: { warn: 1, critical: 5 }", "    cpuPct: { warn: 75, critical: 90 }", "services:"];
  for (let i = 0; i < n; i++) {
    const team = teams[i % teams.length];
    const hot = isHot(i);
    lines.push(`  - id: ${team}-${String(i).padStart(4, "0")}`, `    name: ${team} svc ${i}`, `    team: ${team}`, `    simulation: { baseRps: ${50 + (i % 17) * 30}, latencyMs: ${hot ? 420 : 20 + (i % 11) * 4} }`);
  }
  // A latency SLO for every 4th service and the hot ones (which burn it): a /slos page of N/4.
  lines.push("slos:");
  for (let i = 0; i < n; i++) {
    if (i % 4 !== 1 && !isHot(i)) continue;
    const id = `${teams[i % teams.length]}-${String(i).padStart(4, "0")}`;
    lines.push(`  - { id: ${id}-latency, service: ${id}, name: "${teams[i % teams.length]} svc ${i} latency", sli: { kind: latency, thresholdMs: 300 }, target: 0.99, window: 7d }`);
  }
  // With `availability`, also one per service (bench/board --page /slos: an SLO page of more than N).
  for (let i = 0; opts.availability && i < n; i++) {
    const id = `${teams[i % teams.length]}-${String(i).padStart(4, "0")}`;
    lines.push(`  - { id: ${id}-availability, service: ${id}, name: "${teams[i % teams.length]} svc ${i} availability", sli: { kind: ratio, good: non-5xx }, target: 0.999, window: 30d }`);
  }
  return lines.join("\n") + "\n";
}

export type EstateOptions = { availability?: boolean };

/** Services that run hot (p99 well past 300 ms). */
export const isHot = (i: number) => i % 97 === 5;

/** How many SLOs estateConfig(n) has. */
export const estateSlos = (n: number, opts: EstateOptions = {}) => Array.from({ length: n }, (_, i) => i).filter((i) => i % 4 === 1 || isHot(i)).length + (opts.availability ? n : 0);

/** Writes the estate into `dir` and returns the env that makes the server load it. */
export function estateEnv(dir: string, n: number, opts: EstateOptions = {}): Record<string, string> {
  const file = join(dir, "estate.yaml");
  writeFileSync(file, estateConfig(n, opts));
  return { WAR_ROOM_CONFIG: file };
}
