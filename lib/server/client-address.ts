import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { foldMapped, TRUST_NONE, type TrustedProxies } from "../config/trusted-proxies";

/** One X-Forwarded-For entry as a bare address: brackets and a port dropped, IPv4-mapped folded; null when it is no address. */
function entryAddress(entry: string): string | null {
  let a = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  return isIP(a) ? foldMapped(a) : null;
}

/**
 * The client behind a chain of trusted proxies. Each proxy appends the address it was connected
 * from, so the list is only believable from the right: walk it right to left from the peer while
 * the hop is a trusted proxy; the first untrusted address is the client. Entries to its left were
 * written by that client and are ignored (anyone can send X-Forwarded-For: 1.2.3.4).
 */
export function forwardedClient(peer: string, forwardedFor: string | undefined, trusted: TrustedProxies): string {
  let client = foldMapped(peer);
  if (!forwardedFor || !trusted.has(client)) return client;
  const hops = forwardedFor.split(",");
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = entryAddress(hops[i]);
    // Garbage where an address belongs: the trusted hop to its right is the last thing we can believe.
    if (hop === null) return client;
    client = hop;
    if (!trusted.has(hop)) return hop;
  }
  return client; // every hop trusted: the left-most is the furthest we know of
}

/**
 * The client address for rate limits, the audit log and logs: the socket peer, or, when the peer
 * is a trusted proxy (WAR_ROOM_TRUSTED_PROXIES), the right-most X-Forwarded-For address that is
 * not one (docs/operations.md "Behind a load balancer").
 */
export function clientAddress(req: IncomingMessage, trusted: TrustedProxies = TRUST_NONE): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  if (trusted.empty) return foldMapped(peer);
  // Node joins repeated X-Forwarded-For headers with ", " in arrival order, which keeps the rule intact.
  const xff = req.headers["x-forwarded-for"];
  return forwardedClient(peer, Array.isArray(xff) ? xff.join(",") : xff, trusted);
}
