"use client";

import { useEffect, useRef } from "react";
import { X } from "lucide-react";
import { SHORTCUTS } from "./shortcuts";

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    return () => previous?.focus?.();
  }, []);

  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center bg-black/70 pt-[15vh]" onClick={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        className="w-full max-w-md rounded-xl border border-line bg-surface-2 p-6 shadow-2xl"
        onClick={(e) => e.stopPropagation()}
      >
        <div className="mb-4 flex items-center justify-between">
          <h2 id="help-title" className="text-lg font-semibold">
            Keyboard shortcuts
          </h2>
          <button
            ref={closeRef}
            type="button"
            onClick={onClose}
            aria-label="Close"
            className="rounded p-1 text-muted hover:bg-surface hover:text-fg"
          >
            <X aria-hidden className="size-5" />
          </button>
        </div>
        <dl className="space-y-3">
          {SHORTCUTS.map((s) => (
            <div key={s.keys.join(" ")} className="flex items-center justify-between gap-6">
              <dt className="flex gap-1.5">
                {s.keys.map((k, i) => (
                  <span key={i} className="flex items-center gap-1.5">
                    {i > 0 && <span className="text-xs text-faint">then</span>}
                    <kbd className="min-w-7 rounded border border-line bg-surface px-2 py-0.5 text-center font-mono text-sm text-fg">
                      {k}
                    </kbd>
                  </span>
                ))}
              </dt>
              <dd className="text-sm text-muted">{s.description}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
