"use client";

import { useEffect, useMemo, useRef } from "react";
import { useConnection } from "@/components/live/LiveProvider";
import { ApiError } from "@/components/api";

/**
 * An error that says the server was away ends with the outage: `clear` runs when the live
 * connection is back (a refusal stays until the next attempt). `setError` is the error's state
 * setter (stable); call `failed(err)` when a write fails and `reset()` when one starts.
 */
export function useAwayError(setError: (none: null) => void): { failed: (err: unknown) => void; reset: () => void } {
  const away = useRef(false);
  const connected = useConnection().state === "live";
  useEffect(() => {
    if (connected && away.current) {
      away.current = false;
      setError(null);
    }
  }, [connected, setError]);
  return useMemo(
    () => ({
      failed: (err: unknown) => void (away.current = err instanceof ApiError && (err.status === 0 || err.status === 503)),
      reset: () => void (away.current = false),
    }),
    [],
  );
}
