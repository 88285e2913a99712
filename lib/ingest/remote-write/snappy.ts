import { uncompress } from "snappyjs";
import { Invalid, PayloadTooLarge } from "../../errors";

/** remote_write bounds (docs/api.md "Prometheus remote_write"): compressed body and decompressed WriteRequest. */
export const MAX_COMPRESSED_BYTES = 4 * 1024 * 1024;
export const MAX_DECOMPRESSED_BYTES = 10 * 1024 * 1024;

/**
 * The length a snappy block declares in its header (a varint), read BEFORE anything is inflated
 * so a small body cannot make the server allocate a huge buffer. Null when the header is broken.
 */
export function declaredLength(buf: Uint8Array): number | null {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 5 && i < buf.length; i++) {
    const b = buf[i];
    result += (b & 0x7f) * mul;
    if (b < 0x80) return result;
    mul *= 128;
  }
  return null;
}

/** Inflates a snappy block (not the framed format), refusing a declared length over `max`. */
export function inflate(body: Buffer, max = MAX_DECOMPRESSED_BYTES): Buffer {
  if (body.length === 0) throw new Invalid("remote_write body is empty; expected a snappy-compressed WriteRequest");
  const n = declaredLength(body);
  if (n === null) throw new Invalid("remote_write body is not snappy (block format): broken length header");
  if (n > max) throw new PayloadTooLarge(`remote_write body decompresses to ${n} bytes; at most ${max} allowed`, { declaredBytes: n, maxBytes: max });
  try {
    return uncompress(body, max);
  } catch (err) {
    throw new Invalid(`remote_write body is not valid snappy (block format): ${(err as Error).message}`);
  }
}
