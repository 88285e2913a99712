import { describe, expect, it } from "vitest";
import { Invalid } from "../errors";
import { parseIdempotencyKey, requestFingerprint } from "./idempotency";

describe("Idempotency-Key header", () => {
  it("reads the draft's quoted string, and a bare token", () => {
    expect(parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe("8e03978e-40d5-43e8-bc93-6894a57f9324");
    expect(parseIdempotencyKey(' "a\\"b\\\\c" ')).toBe('a"b\\c');
    expect(parseIdempotencyKey("plain-token")).toBe("plain-token");
    expect(parseIdempotencyKey(undefined)).toBeNull();
  });

  it("refuses what is not a usable key", () => {
    for (const bad of ['""', '"open', '"a"b"', "", "é", "x".repeat(256)]) expect(() => parseIdempotencyKey(bad), bad).toThrow(Invalid);
    expect(() => parseIdempotencyKey(["a", "b"])).toThrow(Invalid);
    expect(parseIdempotencyKey("x".repeat(255))).toHaveLength(255);
  });
});

describe("request fingerprint", () => {
  it("is the same for the same JSON in another key order, and differs with method, path or body", () => {
    const a = requestFingerprint("POST", "/api/v1/incidents/1/timeline", { kind: "note", body: "x", nested: { b: 1, a: [1, { d: 2, c: 3 }] } });
    expect(requestFingerprint("POST", "/api/v1/incidents/1/timeline", { nested: { a: [1, { c: 3, d: 2 }], b: 1 }, body: "x", kind: "note" })).toBe(a);
    expect(requestFingerprint("POST", "/api/v1/incidents/2/timeline", { kind: "note", body: "x", nested: { b: 1, a: [1, { d: 2, c: 3 }] } })).not.toBe(a);
    expect(requestFingerprint("PATCH", "/api/v1/incidents/1/timeline", { kind: "note", body: "x", nested: { b: 1, a: [1, { d: 2, c: 3 }] } })).not.toBe(a);
    expect(requestFingerprint("POST", "/api/v1/incidents/1/timeline", { kind: "note", body: "y", nested: { b: 1, a: [1, { d: 2, c: 3 }] } })).not.toBe(a);
    expect(requestFingerprint("POST", "/p", [1, 2])).not.toBe(requestFingerprint("POST", "/p", [2, 1]));
  });
});
