import { SIGNALS, type SignalValues } from "./types";

/** Rounds to 4 significant digits: what a screen can show, and a third of the JSON. */
export function roundSig(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return Number.isFinite(v) ? v : 0;
  return roundTo(v, 4);
}

/** Rounds a finite number to `digits` significant digits (NaN and ±Infinity pass through). */
export function roundTo(v: number, digits: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const mag = Math.floor(Math.log10(Math.abs(v)));
  const f = 10 ** (digits - 1 - mag);
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
