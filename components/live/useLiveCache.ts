"use client";

import { skipToken, useQuery, type QueryKey } from "@tanstack/react-query";

/**
 * Reads a query-cache entry that only WebSocket frames write (via setQueryData): never
 * fetched, never stale, and compared by identity because frames replace it whole.
 */
export function useLiveCache<T>(queryKey: QueryKey, gcTime = Infinity): T | undefined {
  return useQuery<T>({ queryKey, queryFn: skipToken, staleTime: Infinity, gcTime, structuralSharing: false }).data;
}
