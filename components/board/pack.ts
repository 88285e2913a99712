"use client";

import { useEffect, useState, type RefObject } from "react";

/**
 * Kiosk: the board's groups flow side by side in rows of `columns` tile columns
 * (components/board/Board.tsx). In worst-first order a team of three followed by a team of two
 * leaves a column empty on a four-column screen and pushes the last team below a 1366×768 wall
 * screen (e2e/layout.spec.ts, mid-incident). First fit keeps the worst-first order and moves a
 * smaller group up into the first row it fits in; a group as wide as a row or wider takes whole
 * rows. Returns the groups in that order (the DOM order too, so reading and focus follow it).
 */
export function packRows<T>(groups: readonly T[], size: (g: T) => number, columns: number): T[] {
  const rows: { free: number; items: T[] }[] = [];
  for (const g of groups) {
    const n = size(g);
    const row = n < columns ? rows.find((r) => r.free >= n) : undefined;
    if (row) {
      row.items.push(g);
      row.free -= n;
    } else rows.push({ free: n >= columns ? 0 : columns - n, items: [g] });
  }
  return rows.flatMap((r) => r.items);
}

/**
 * In kiosk mode, how many tile columns one row of groups holds at the element's width (a group's
 * basis is its tiles × 19.75rem − 0.75rem, Board.tsx `Group`); null outside kiosk or before it is measured.
 */
export function useKioskColumns(ref: RefObject<HTMLElement | null>): number | null {
  const [columns, setColumns] = useState<number | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const html = document.documentElement;
    const measure = () => {
      if (!html.hasAttribute("data-kiosk")) return setColumns(null);
      const rem = parseFloat(getComputedStyle(html).fontSize) || 16;
      setColumns(Math.max(1, Math.floor((el.clientWidth + 0.75 * rem) / (19.75 * rem))));
    };
    measure();
    // The element's width, and the rem: kiosk type follows the viewport's height too (app/globals.css).
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    window.addEventListener("resize", measure);
    // The Shell sets data-kiosk on client-side navigation (components/shell/Shell.tsx).
    const mo = new MutationObserver(measure);
    mo.observe(html, { attributes: true, attributeFilter: ["data-kiosk"] });
    return () => {
      ro.disconnect();
      window.removeEventListener("resize", measure);
      mo.disconnect();
    };
  }, [ref]);
  return columns;
}
