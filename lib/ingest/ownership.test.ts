import { describe, expect, it } from "vitest";
import { PushOwnership } from "./ownership";
import { Conflict } from "../errors";

describe("PushOwnership", () => {
  const own = new PushOwnership([
    ["checkout", "push"],
    ["search", "prometheus"],
    ["auth", "simulator"],
  ]);

  it("accepts pushes only for push-fed services, and names the source otherwise", () => {
    expect(own.acceptsPush("checkout")).toEqual({ ok: true });
    expect(own.acceptsPush("search")).toEqual({ ok: false, source: "prometheus" });
    expect(own.acceptsPush("auth")).toEqual({ ok: false, source: "simulator" });
    expect(own.acceptsPush("ghost")).toEqual({ ok: false, source: "none" });
  });

  it("refuses a batch with a 409 listing each service fed by another source once", () => {
    expect(() => own.assertPushable(["checkout", "checkout"])).not.toThrow();
    // Unknown services are the batch validation's (400), not a conflict.
    expect(() => own.assertPushable(["ghost"])).not.toThrow();
    let err: unknown;
    try {
      own.assertPushable(["checkout", "search", "auth", "search"]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Conflict);
    expect((err as Conflict).message).toBe(
      'push refused: only push-fed services take pushed samples; "search" is fed by prometheus, "auth" is fed by simulator (set source: push on the service to feed it by push)',
    );
    expect((err as Conflict).details).toEqual({ services: [{ service: "search", source: "prometheus" }, { service: "auth", source: "simulator" }] });
  });
});
