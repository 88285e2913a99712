import { BlockList, isIP } from "node:net";

/**
 * The load balancers and reverse proxies whose X-Forwarded-For is believed
 * (WAR_ROOM_TRUSTED_PROXIES, lib/config/env.ts). Empty trusts nobody: the socket peer is the client.
 */
export class TrustedProxies {
  private readonly list = new BlockList();

  constructor(readonly entries: readonly string[] = []) {
    for (const e of entries) {
      const [ip, prefix] = e.split("/") as [string, string | undefined];
      const family = isIP(ip) === 6 ? "ipv6" : "ipv4";
      if (prefix === undefined) this.list.addAddress(ip, family);
      else this.list.addSubnet(ip, Number(prefix), family);
    }
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** Whether `address` (bare IPv4 or IPv6; BlockList matches IPv4-mapped forms both ways) is one of them; false for a non-address. */
  has(address: string): boolean {
    if (this.empty) return false;
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 6 ? "ipv6" : "ipv4");
  }
}

export const TRUST_NONE = new TrustedProxies();

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`, what a dual-stack socket reports) as plain IPv4. */
export function foldMapped(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

/**
 * Parses "127.0.0.1, 10.0.0.0/8, fd00::/8": IPv4 or IPv6 addresses and CIDRs, comma-separated.
 * Throws one message naming every bad entry.
 */
export function parseTrustedProxies(spec: string): TrustedProxies {
  const entries = spec
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const bad: string[] = [];
  const good: string[] = [];
  for (const raw of entries) {
    const problem = entryProblem(raw);
    if (problem) bad.push(`"${raw}" (${problem})`);
    else good.push(raw);
  }
  if (bad.length) throw new Error(`not an IP address or CIDR: ${bad.join(", ")}; expected e.g. "127.0.0.1,10.0.0.0/8,fd00::/8"`);
  return new TrustedProxies(good);
}

function entryProblem(raw: string): string | null {
  const parts = raw.split("/");
  if (parts.length > 2) return "more than one /";
  const [ip, prefix] = parts;
  const family = isIP(ip);
  if (family === 0) return "not an IPv4 or IPv6 address";
  if (prefix === undefined) return null;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `prefix length must be 0–${max}`;
  return null;
}
