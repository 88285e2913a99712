import type { z } from "zod";

/**
 * What the browser does with a live frame or an answer: parse it with the shared contract
 * (lib/<domain>/contract.ts) and drop what does not match, rather than trust a cast.
 */
export function parsed<T extends z.ZodType>(schema: T, value: unknown): z.output<T> | null {
  const r = schema.safeParse(value);
  return r.success ? r.data : null;
}

/** The items of a list that match their contract (a bad item is dropped, not the whole list). */
export function validItems<T extends z.ZodType>(schema: T, value: unknown): z.output<T>[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v) => {
    const r = schema.safeParse(v);
    return r.success ? [r.data] : [];
  });
}
