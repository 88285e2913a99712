"use client";

import { startTransition, useEffect, useState } from "react";

/**
 * A long list's first paint (the board's tiles, the /slos lines): the server's HTML and the first
 * client render hold only `limit` items; once hydrated the rest join at transition priority, in
 * slices that yield, so neither the HTML nor one long task holds the first paint back (a
 * 1,000-tile board's mount at default priority was one task of 0.7–1.1 s, BENCHMARKS.md).
 * `take(count)`, called in render order for each group, says how many of its `count` items to draw.
 */
export function useFirstPaint(limit: number): { mounted: boolean; take: (count: number) => number } {
  const [mounted, setMounted] = useState(false);
  useEffect(() => startTransition(() => setMounted(true)), []);
  let left = mounted ? Infinity : limit;
  const take = (count: number) => {
    const n = Math.max(0, Math.min(count, left));
    left -= n;
    return n;
  };
  return { mounted, take };
}
