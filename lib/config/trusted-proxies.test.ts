import { describe, expect, it } from "vitest";
import { parseTrustedProxies } from "./trusted-proxies";
import { readEnv } from "./env";

describe("parseTrustedProxies", () => {
  it("trusts nobody when empty (the default)", () => {
    for (const spec of ["", " ", " , "]) {
      const t = parseTrustedProxies(spec);
      expect(t.empty).toBe(true);
      expect(t.has("127.0.0.1")).toBe(false);
    }
    expect(readEnv({}).WAR_ROOM_TRUSTED_PROXIES.empty).toBe(true);
  });

  it("takes IPv4 and IPv6 addresses and CIDRs, comma-separated with spaces", () => {
    const t = parseTrustedProxies(" 127.0.0.1, 10.0.0.0/8 ,fd00::/8,::1, 192.168.1.0/24");
    expect(t.entries).toEqual(["127.0.0.1", "10.0.0.0/8", "fd00::/8", "::1", "192.168.1.0/24"]);
    expect(t.has("127.0.0.1")).toBe(true);
    expect(t.has("127.0.0.2")).toBe(false);
    expect(t.has("10.255.3.4")).toBe(true);
    expect(t.has("11.0.0.1")).toBe(false);
    expect(t.has("192.168.1.200")).toBe(true);
    expect(t.has("192.168.2.1")).toBe(false);
    expect(t.has("fd12:3456::1")).toBe(true);
    expect(t.has("fe80::1")).toBe(false);
    expect(t.has("::1")).toBe(true);
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
    expect(t.has("::ffff:10.1.2.3")).toBe(true);
    expect(t.has("not-an-address")).toBe(false);
    expect(t.has("")).toBe(false);
  });

  it("0.0.0.0/0 trusts every IPv4 address and no IPv6 one", () => {
    const t = parseTrustedProxies("0.0.0.0/0");
    expect(t.has("203.0.113.9")).toBe(true);
    expect(t.has("2001:db8::1")).toBe(false);
  });

  it.each([
    ["10.0.0.0/33", /"10\.0\.0\.0\/33" \(prefix length must be 0–32\)/],
    ["fd00::/129", /"fd00::\/129" \(prefix length must be 0–128\)/],
    ["10.0.0/8", /"10\.0\.0\/8" \(not an IPv4 or IPv6 address\)/],
    ["10.0.0.0/", /prefix length must be 0–32/],
    ["10.0.0.0/-1", /prefix length must be 0–32/],
    ["10.0.0.0/8/9", /more than one \//],
    ["lb.internal", /"lb\.internal" \(not an IPv4 or IPv6 address\)/],
    ["256.1.1.1", /not an IPv4 or IPv6 address/],
  ])("refuses %s with a clear message", (spec, message) => {
    expect(() => parseTrustedProxies(spec)).toThrow(message);
  });

  it("names every bad entry at once, and readEnv names the variable", () => {
    expect(() => parseTrustedProxies("127.0.0.1,10.0.0.0/40,proxy")).toThrow(/"10\.0\.0\.0\/40".*"proxy"/);
    expect(() => readEnv({ WAR_ROOM_TRUSTED_PROXIES: "127.0.0.1,10.0.0.0/40" })).toThrow(/invalid environment:\n {2}WAR_ROOM_TRUSTED_PROXIES: not an IP address or CIDR: "10\.0\.0\.0\/40" \(prefix length must be 0–32\)/);
  });
});
