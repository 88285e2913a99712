"use client";

import { useEffect, useState } from "react";
import clsx from "clsx";
import { Check, Copy } from "lucide-react";

/** Copies `getText()` to the clipboard and says "Copied" for two seconds (or why it failed). */
export function CopyButton({ getText, className }: { getText: () => string; className?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const t = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(t);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(getText());
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <button
      type="button"
      onClick={() => void copy()}
      aria-label={state === "copied" ? "Copied" : "Copy code"}
      className={clsx(
        "inline-flex items-center gap-1 rounded-md border px-2 py-0.5 text-xs font-medium",
        state === "copied" ? "border-ok/50 text-ok" : state === "failed" ? "border-critical/50 text-critical" : "border-line bg-surface-2 text-muted hover:border-muted hover:text-fg",
        className,
      )}
    >
      {state === "copied" ? <Check aria-hidden className="size-3.5" /> : <Copy aria-hidden className="size-3.5" />}
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : "Copy"}</span>
    </button>
  );
}
