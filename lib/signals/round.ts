import { SIGNALS, type SignalValues } from "./types";

/** Rounds to 4 significant digits: what a screen can show, and a third of the JSON. */
export function roundSig(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return Number.isFinite(v) ? v : 0;
  const mag = Math.floor(Math.log10(Math.abs(v)));
  const f = 10 ** (3 - mag);
  return Math.round(v * f) / f;
}

export function roundValues(values: SignalValues): SignalValues {
  const out = {} as SignalValues;
  for (const s of SIGNALS) out[s] = roundSig(values[s]);
  return out;
}

export function roundArray(a: readonly number[]): number[] {
  return a.map(roundSig);
}
