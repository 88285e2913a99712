import { Invalid } from "../../errors";

/**
 * A decoder for exactly the part of Prometheus remote_write 1.0's `WriteRequest` the war room
 * uses (prompb/remote.proto, prompb/types.proto):
 *
 *   WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
 *   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; exemplars = 3; histograms = 4; }
 *   Label        { string name = 1; string value = 2; }
 *   Sample       { double value = 1; int64 timestamp = 2; }
 *
 * Everything else (metadata, exemplars, native histograms, unknown fields) is skipped by wire
 * type. Hand-written rather than protobufjs because it reads straight into the flat arrays the
 * mapper wants, without one object per label and sample (docs/architecture.md "Prometheus
 * remote_write"); proto.test.ts checks it against protobufjs-encoded messages.
 */
export type DecodedSeries = {
  /** Label pairs in the order sent (Prometheus sends them sorted by name). */
  names: string[];
  values: string[];
  /** Sample values and their timestamps (epoch ms), in the order sent. */
  samples: number[];
  times: number[];
  /** Times of staleness markers (the NaN Prometheus sends when a series disappears). */
  staleAt: number[];
  /**
   * The series' identity as the bytes of its label fields (latin1), when they come one after
   * another as Prometheus sends them: one string instead of joining every name and value.
   * null when other fields came between labels.
   */
  key: string | null;
};

const bad = (why: string) => new Invalid(`remote_write body is not a valid protobuf WriteRequest: ${why}`);

class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly view: DataView,
  ) {}

  /** An unsigned varint up to 2^53 (timestamps, lengths); longer or negative ones are refused. */
  varint(end: number): number {
    const b = this.buf;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= end) throw bad("truncated varint");
      const byte = b[this.pos++];
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) return result;
      mul *= 128;
    }
    throw bad("varint too long (negative or over 2^56)");
  }

  /** Skips a field of `wire` type (groups are refused: proto3 has none). */
  skip(wire: number, end: number): void {
    if (wire === 0) this.varintSkip(end);
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) {
      const len = this.varint(end); // read first: `pos += varint()` would add to the old pos
      this.pos += len;
    }
    else if (wire === 5) this.pos += 4;
    else throw bad(`unsupported wire type ${wire}`);
    if (this.pos > end) throw bad("field runs past the end of its message");
  }

  private varintSkip(end: number): void {
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) throw bad("truncated varint");
      if (this.buf[this.pos++] < 0x80) return;
    }
    throw bad("varint longer than 10 bytes");
  }

  /** The end of a length-delimited field that starts here. */
  sub(end: number): number {
    const len = this.varint(end);
    const e = this.pos + len;
    if (e > end) throw bad("length-delimited field runs past the end of its message");
    return e;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Short ASCII strings seen before (label names, codes, `le` bounds, service ids repeat in every
 * request), by a hash of their bytes: no new string per label. Bounded; a full table is cleared.
 */
const interned = new Map<number, string>();
const INTERN_MAX_LENGTH = 40;
const INTERN_MAX_ENTRIES = 50_000;

function internedAscii(b: Uint8Array, from: number, to: number): string | null {
  let h = to - from;
  for (let i = from; i < to; i++) {
    const c = b[i];
    if (c > 0x7f) return null;
    h = (Math.imul(h, 31) + c) | 0;
  }
  const hit = interned.get(h);
  if (hit !== undefined && hit.length === to - from) {
    let same = true;
    for (let i = 0; i < hit.length; i++) if (hit.charCodeAt(i) !== b[from + i]) { same = false; break; }
    if (same) return hit;
  }
  const s = String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[]);
  if (interned.size >= INTERN_MAX_ENTRIES) interned.clear();
  interned.set(h, s);
  return s;
}

function string(r: Reader, end: number): string {
  const e = r.sub(end);
  const from = r.pos;
  r.pos = e;
  if (e - from <= INTERN_MAX_LENGTH) {
    const s = internedAscii(r.buf, from, e);
    if (s !== null) return s;
  }
  const s = r.buf.subarray(from, e);
  // ASCII (every Prometheus metric and label name, nearly every value) without the decoder's overhead.
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s[i] > 0x7f) { ascii = false; break; }
  if (ascii) return s.length < 64 ? String.fromCharCode.apply(null, s as unknown as number[]) : Buffer.from(s.buffer, s.byteOffset, s.length).toString("latin1");
  try {
    return utf8.decode(s);
  } catch {
    throw bad("a label is not valid UTF-8");
  }
}

function label(r: Reader, end: number, out: DecodedSeries): void {
  let name = "";
  let value = "";
  while (r.pos < end) {
    const tag = r.varint(end);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === 2) name = string(r, end);
    else if (field === 2 && wire === 2) value = string(r, end);
    else r.skip(wire, end);
  }
  out.names.push(name);
  out.values.push(value);
}

function sample(r: Reader, end: number, out: DecodedSeries): void {
  let value = 0;
  let t = 0;
  let stale = false;
  while (r.pos < end) {
    const tag = r.varint(end);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === 1) {
      if (r.pos + 8 > end) throw bad("truncated sample value");
      value = r.view.getFloat64(r.pos, true);
      // Prometheus' staleness marker is one NaN bit pattern (model/value.StaleNaN), told apart by its bits.
      stale = r.view.getUint32(r.pos + 4, true) === 0x7ff00000 && r.view.getUint32(r.pos, true) === 2;
      r.pos += 8;
    } else if (field === 2 && wire === 0) t = r.varint(end);
    else r.skip(wire, end);
  }
  if (stale) {
    out.staleAt.push(t);
    return;
  }
  out.samples.push(value);
  out.times.push(t);
}

function timeseries(r: Reader, end: number): DecodedSeries {
  const out: DecodedSeries = { names: [], values: [], samples: [], times: [], staleAt: [], key: null };
  let from = -1;
  let to = -1;
  let split = false;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.varint(end);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === 2) {
      if (from < 0) from = at;
      else if (to !== at) split = true;
      label(r, r.sub(end), out);
      to = r.pos;
    } else if (field === 2 && wire === 2) sample(r, r.sub(end), out);
    else r.skip(wire, end);
  }
  if (from >= 0 && !split) out.key = Buffer.from(r.buf.buffer, r.buf.byteOffset + from, to - from).toString("latin1");
  return out;
}

/** The series of a WriteRequest; throws Invalid (400) on anything that is not one. */
export function decodeWriteRequest(buf: Uint8Array): DecodedSeries[] {
  const r = new Reader(buf, new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
  const end = buf.length;
  const series: DecodedSeries[] = [];
  while (r.pos < end) {
    const tag = r.varint(end);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 0) throw bad("field number 0");
    if (field === 1 && wire === 2) series.push(timeseries(r, r.sub(end)));
    else r.skip(wire, end);
  }
  return series;
}
