import { QueryClient, isServer } from "@tanstack/react-query";

/** One QueryClient per request on the server, one per browser tab (CONVENTIONS.md). */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Live data arrives over the WebSocket; HTTP reads are history and lists.
        staleTime: 10_000,
        retry: 2,
        retryDelay: (attempt) => Math.random() * Math.min(10_000, 500 * 2 ** attempt),
        refetchOnWindowFocus: false,
      },
    },
  });
}

let browserClient: QueryClient | undefined;

export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserClient ??= makeQueryClient();
  return browserClient;
}
