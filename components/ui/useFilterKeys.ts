"use client";

import { useEffect, type RefObject } from "react";
import { isTypingTarget, SEQUENCE_TIMEOUT_MS } from "@/components/shell/shortcuts";

// Keys the shell already uses (components/shell/shortcuts.ts): `?`, `/`, `d`, and `g` sequences.
const RESERVED = new Set(["?", "/", "d", "g"]);

/** `f`, or just typing a letter or digit anywhere on the board, goes to the filter box. */
export function useFilterKeys(input: RefObject<HTMLInputElement | null>, onType: (text: string) => void): void {
  useEffect(() => {
    let lastG = -Infinity;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target) || document.querySelector('[role="dialog"]')) return;
      if (e.key === "g") lastG = e.timeStamp;
      if (e.timeStamp - lastG <= SEQUENCE_TIMEOUT_MS && e.key !== "g") return; // second key of a `g` sequence
      if (RESERVED.has(e.key)) return;
      if (e.key === "f") {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
        return;
      }
      if (/^[\p{L}\p{N}]$/u.test(e.key)) {
        e.preventDefault();
        input.current?.focus();
        onType(e.key);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [input, onType]);
}
