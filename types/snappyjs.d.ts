declare module "snappyjs" {
  /** Snappy block format (no framing). Throws on a corrupt stream or when the declared length exceeds `maxLength`. */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(compressed: T, maxLength?: number): T;
  export function compress<T extends Uint8Array | ArrayBuffer>(uncompressed: T): T;
}
