import { describe, expect, it } from "vitest";
import { publicTitle } from "./status-updates";

describe("the public name of an incident", () => {
  it("is the newest title the comms lead gave, else a neutral name with the affected components", () => {
    expect(publicTitle([{ title: null }, { title: "Card payments degraded" }, { title: "Payments slow" }], ["Payments"])).toBe("Card payments degraded");
    expect(publicTitle([{ title: null }], ["Payments", "Checkout"])).toBe("Service disruption: Payments, Checkout");
    expect(publicTitle([], [])).toBe("Service disruption");
  });
});
