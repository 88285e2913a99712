import { roundSig } from "../signals/round";
import type { SignalPoint } from "../signals/types";
import type { ServiceSignals, SignalSnapshot } from "./model";

/** What the board shows for one point: p99, traffic, errors, and the highest of CPU, memory and pool. */
export function serviceSignals(p: SignalPoint): ServiceSignals {
  return {
    p99: roundSig(p.p99),
    rps: roundSig(p.rps),
    errorPct: roundSig(p.errorPct),
    saturationPct: roundSig(Math.max(p.cpuPct, p.memPct, p.poolPct)),
  };
}

/**
 * The golden signals of `services` from their newest points. `t` is the newest point's time
 * (`now` when none has data); services without data are left out.
 */
export function signalSnapshot(services: readonly string[], latest: (id: string) => SignalPoint | null, now: number): SignalSnapshot {
  const out: SignalSnapshot = { t: now, services: {} };
  let newest = -Infinity;
  for (const id of services) {
    const p = latest(id);
    if (!p) continue;
    out.services[id] = serviceSignals(p);
    newest = Math.max(newest, p.t);
  }
  if (Number.isFinite(newest)) out.t = newest;
  return out;
}
