"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/**
 * Which elements (by `data-service-id`) are on screen or within half a screen of it, from one
 * IntersectionObserver. Memoised tiles and cards off screen keep their last render instead of
 * re-rendering with every update.
 */
export function useVisible(): { visible: ReadonlySet<string>; observe: (el: Element | null) => (() => void) | undefined } {
  const [visible, setVisible] = useState<ReadonlySet<string>>(() => new Set());
  const observer = useRef<IntersectionObserver | null>(null);
  const pending = useRef<Element[]>([]);

  useEffect(() => {
    const io = new IntersectionObserver(
      (entries) => {
        setVisible((old) => {
          let next: Set<string> | null = null;
          for (const e of entries) {
            const id = (e.target as HTMLElement).dataset.serviceId;
            if (!id || old.has(id) === e.isIntersecting) continue;
            next ??= new Set(old);
            if (e.isIntersecting) next.add(id);
            else next.delete(id);
          }
          return next ?? old;
        });
      },
      { rootMargin: "50% 0px" },
    );
    observer.current = io;
    for (const el of pending.current) io.observe(el);
    pending.current = [];
    return () => io.disconnect();
  }, []);

  const observe = useCallback((el: Element | null) => {
    if (!el) return;
    if (observer.current) observer.current.observe(el);
    else pending.current.push(el);
    return () => observer.current?.unobserve(el);
  }, []);

  return { visible, observe };
}
