"use client";

import { z } from "zod";

// zod 4 probes `new Function("")` to decide whether it may compile parsers; under the CSP (no
// 'unsafe-eval') that probe is blocked and reported as a violation. Parse without it in the browser.
z.config({ jitless: true });

/** Rendered once by the root layout so this module runs in the browser before any answer is parsed. */
export function ZodJitless(): null {
  return null;
}
