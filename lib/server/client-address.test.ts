import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { parseTrustedProxies, TRUST_NONE } from "../config/trusted-proxies";
import { clientAddress, forwardedClient } from "./client-address";

const lb = parseTrustedProxies("127.0.0.1,10.0.0.0/8,fd00::/8");
const req = (peer: string | undefined, xff?: string | string[]) => ({ socket: { remoteAddress: peer }, headers: xff === undefined ? {} : { "x-forwarded-for": xff } }) as unknown as IncomingMessage;

describe("forwardedClient: the right-most untrusted X-Forwarded-For address", () => {
  it("takes the address the trusted proxy appended", () => {
    expect(forwardedClient("10.0.0.5", "203.0.113.7", lb)).toBe("203.0.113.7");
  });

  it("ignores spoofed left-most entries the client sent itself", () => {
    // The client sent "X-Forwarded-For: 1.2.3.4, 10.9.9.9"; the balancer appended its real address.
    expect(forwardedClient("10.0.0.5", "1.2.3.4, 10.9.9.9, 198.51.100.23", lb)).toBe("198.51.100.23");
  });

  it("walks through a chain of trusted proxies", () => {
    expect(forwardedClient("127.0.0.1", "1.2.3.4, 198.51.100.23, 10.1.1.1, 10.2.2.2", lb)).toBe("198.51.100.23");
  });

  it("ignores the header of a peer that is not trusted", () => {
    expect(forwardedClient("203.0.113.50", "1.2.3.4", lb)).toBe("203.0.113.50");
    expect(forwardedClient("203.0.113.50", "10.0.0.1", lb)).toBe("203.0.113.50");
  });

  it("trusts nobody's header by default", () => {
    expect(forwardedClient("127.0.0.1", "1.2.3.4", TRUST_NONE)).toBe("127.0.0.1");
  });

  it("keeps the peer when a trusted peer sends no header", () => {
    expect(forwardedClient("10.0.0.5", undefined, lb)).toBe("10.0.0.5");
    expect(forwardedClient("10.0.0.5", "", lb)).toBe("10.0.0.5");
  });

  it("takes the left-most when every hop is trusted", () => {
    expect(forwardedClient("10.0.0.5", "10.3.3.3, 10.4.4.4", lb)).toBe("10.3.3.3");
  });

  it("stops at the last trusted hop when an entry is not an address", () => {
    expect(forwardedClient("10.0.0.5", "1.2.3.4, unknown", lb)).toBe("10.0.0.5");
    expect(forwardedClient("10.0.0.5", "evil, 10.7.7.7", lb)).toBe("10.7.7.7");
  });

  it("handles IPv6, IPv4-mapped peers and entries, brackets and ports", () => {
    expect(forwardedClient("::ffff:10.0.0.5", "2001:db8::7", lb)).toBe("2001:db8::7");
    expect(forwardedClient("fd00::1", "::ffff:203.0.113.7", lb)).toBe("203.0.113.7");
    expect(forwardedClient("10.0.0.5", "[2001:db8::9]:4711", lb)).toBe("2001:db8::9");
    expect(forwardedClient("10.0.0.5", "203.0.113.7:4711", lb)).toBe("203.0.113.7");
    expect(forwardedClient("::ffff:203.0.113.50", "1.2.3.4", lb)).toBe("203.0.113.50");
  });
});

describe("clientAddress(req)", () => {
  it("is the socket peer, IPv4-mapped folded, without trusted proxies", () => {
    expect(clientAddress(req("::ffff:127.0.0.1", "1.2.3.4"))).toBe("127.0.0.1");
    expect(clientAddress(req(undefined))).toBe("unknown");
  });

  it("reads X-Forwarded-For from a trusted peer, also split over repeated headers", () => {
    expect(clientAddress(req("::ffff:127.0.0.1", "1.2.3.4, 198.51.100.23"), lb)).toBe("198.51.100.23");
    expect(clientAddress(req("127.0.0.1", ["1.2.3.4", "198.51.100.23"]), lb)).toBe("198.51.100.23");
    expect(clientAddress(req("198.51.100.1", "1.2.3.4"), lb)).toBe("198.51.100.1");
  });
});
