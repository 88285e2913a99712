import { describe, expect, it } from "vitest";
import { RetryKey } from "./retryKey";

describe("RetryKey", () => {
  it("keeps the key while the same body is retried, and starts a new one for a new body or after an answer", () => {
    let n = 0;
    const k = new RetryKey(() => `k${++n}`);
    const body = { title: "Add a canary", type: "prevent" };
    expect(k.for(body)).toBe("k1");
    expect(k.for({ ...body })).toBe("k1");
    expect(k.for({ ...body, title: "Add two canaries" })).toBe("k2");
    k.answered();
    expect(k.for({ ...body, title: "Add two canaries" })).toBe("k3");
  });
});
