import type { BoardHeadline, BoardSummary, ServiceInfo } from "./contract";
import { overallStatus, serviceStates, signalState } from "./state";
import type { SignalState, SignalValues, Threshold } from "./types";

const RANK: Record<SignalState, number> = { ok: 0, warn: 1, critical: 2 };
const SATURATION = ["cpuPct", "memPct", "poolPct"] as const;

/** The threshold most services share (in practice the config default), for the estate-wide error rate. */
export function commonThreshold(services: readonly ServiceInfo[], signal: "errorPct"): Threshold | undefined {
  const tally = new Map<string, { t: Threshold; n: number }>();
  for (const s of services) {
    const t = s.thresholds?.[signal];
    if (!t) continue;
    const k = JSON.stringify(t);
    const e = tally.get(k);
    if (e) e.n++;
    else tally.set(k, { t, n: 1 });
  }
  let best: { t: Threshold; n: number } | undefined;
  for (const e of tally.values()) if (!best || e.n > best.n) best = e;
  return best?.t;
}

/**
 * The banner's aggregates (SPEC §2) over every service: overall status and counts, the highest p99
 * (the true maximum in ms, labelled "Highest p99" on the banner: ranking by state or by ratio to a
 * limit showed a 239 ms service above a 672 ms one, issue #16), the traffic-weighted error rate, total throughput and
 * the worst saturation signal. `latestOf` gives a service's fresh point, or null (no data, or stale).
 * Computed once per tick on the server (lib/signals/channels.ts) instead of in every browser.
 */
export function summarizeBoard(services: readonly ServiceInfo[], latestOf: (id: string) => SignalValues | null, errThreshold = commonThreshold(services, "errorPct")): BoardSummary {
  const counts = { ok: 0, warn: 0, critical: 0, unknown: 0 };
  const states: (SignalState | null)[] = [];
  let worstP99: BoardHeadline | null = null;
  let saturation: BoardHeadline | null = null;
  let rps = 0;
  let errors = 0;
  let any = false;
  for (const info of services) {
    const v = latestOf(info.id);
    if (!v) {
      counts.unknown++;
      states.push(null);
      continue;
    }
    const st = serviceStates(v, info.thresholds ?? {});
    counts[st.state]++;
    states.push(st.state);
    if (Number.isFinite(v.p99) && (!worstP99 || v.p99 > worstP99.value)) worstP99 = headline(v.p99, st.signals.p99, "p99", info);
    if (Number.isFinite(v.rps) && Number.isFinite(v.errorPct)) {
      any = true;
      rps += v.rps;
      errors += (v.errorPct / 100) * v.rps;
    }
    for (const signal of SATURATION) {
      const value = v[signal];
      if (!Number.isFinite(value)) continue;
      const state = st.signals[signal];
      if (!saturation || RANK[state] > RANK[saturation.state] || (state === saturation.state && value > saturation.value)) saturation = headline(value, state, signal, info);
    }
  }
  // No traffic is not an error: 0 %, not NaN.
  const errorPct = rps > 0 ? (errors / rps) * 100 : 0;
  return {
    status: overallStatus(states),
    services: services.length,
    counts,
    worstP99,
    errorRate: any ? { value: errorPct, state: signalState(errorPct, errThreshold), signal: "errorPct", ...(errThreshold ? { threshold: errThreshold } : {}) } : null,
    throughput: any ? rps : null,
    saturation,
  };
}

function headline(value: number, state: SignalState, signal: BoardHeadline["signal"], info: ServiceInfo): BoardHeadline {
  const threshold = info.thresholds?.[signal];
  return { value, state, signal, serviceId: info.id, ...(threshold ? { threshold } : {}) };
}
