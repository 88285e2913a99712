/**
 * Stateless randomness: every "random" number is a hash of (key, stream, index), so the
 * same inputs give the same output for any instant, past or future, in any call order.
 */

const TWO_32 = 4294967296;

/** 32-bit integer finaliser (lowbias32 by Chris Wellons): good avalanche, cheap. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Unsigned 32-bit hash of a key, a stream number and an integer index (exact up to 2^53). */
export function hash(key: number, stream: number, index: number): number {
  const lo = index >>> 0;
  const hi = Math.floor(index / TWO_32) >>> 0;
  const h = mix(mix(key ^ Math.imul(stream + 1, 0x9e3779b9)) ^ lo);
  // Indexes below 2^32 (every time bucket until 2106) skip the third round.
  return hi === 0 ? h : mix(h ^ Math.imul(hi, 0x85ebca6b));
}

/** FNV-1a of a string, so a service's numbers depend on its id, not its position in the config. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** [0, 1) */
export function unit(h: number): number {
  return h / TWO_32;
}

/** [-1, 1) */
export function signed(h: number): number {
  return h / 2147483648 - 1;
}

/** [0, 1] from one byte of a hash, for drawing several small numbers from one hash. */
export function byteUnit(h: number, byte: 0 | 1 | 2 | 3): number {
  return ((h >>> (byte * 8)) & 255) / 255;
}

/**
 * Approximately standard normal from one hash: sum of its four bytes (Irwin–Hall, n = 4).
 * Bounded at about ±3.5, which keeps per-second jitter from producing absurd outliers.
 */
export function gauss(h: number): number {
  const s = (h & 255) + ((h >>> 8) & 255) + ((h >>> 16) & 255) + (h >>> 24);
  return (s / 255 - 2) * 1.7320508075688772;
}

export function smoothstep(x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return x * x * (3 - 2 * x);
}

/**
 * Smooth value noise in [-1, 1]: random values on a grid of `periodMs`, interpolated with
 * smoothstep, so a signal wanders instead of jumping between samples.
 */
export function valueNoise(key: number, stream: number, t: number, periodMs: number): number {
  const x = t / periodMs;
  const i = Math.floor(x);
  const a = signed(hash(key, stream, i));
  const b = signed(hash(key, stream, i + 1));
  return a + (b - a) * smoothstep(x - i);
}

/**
 * Four independent smooth noises sharing one grid, one per byte of the grid-point hashes:
 * a quarter of the hashing of four valueNoise calls, and 256 levels are plenty for a wander.
 */
export class NoiseGrid {
  private readonly a: number;
  private readonly b: number;
  private readonly s: number;

  constructor(key: number, stream: number, t: number, periodMs: number) {
    const x = t / periodMs;
    const i = Math.floor(x);
    this.a = hash(key, stream, i);
    this.b = hash(key, stream, i + 1);
    this.s = smoothstep(x - i);
  }

  /** [-1, 1] */
  lane(byte: 0 | 1 | 2 | 3): number {
    const shift = byte * 8;
    const va = ((this.a >>> shift) & 255) / 127.5 - 1;
    const vb = ((this.b >>> shift) & 255) / 127.5 - 1;
    return va + (vb - va) * this.s;
  }
}

/** Standard-normal-ish jitter that changes every `bucketMs`. */
export function jitter(key: number, stream: number, t: number, bucketMs: number): number {
  return gauss(hash(key, stream, Math.floor(t / bucketMs)));
}
