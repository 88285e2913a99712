import { describe, expect, it } from "vitest";
import { packRows } from "./pack";

const pack = (sizes: number[], columns: number) => packRows(sizes.map((n, i) => ({ id: String.fromCharCode(97 + i), n })), (g) => g.n, columns).map((g) => g.id).join("");

describe("packRows (kiosk groups in rows of tile columns)", () => {
  it("fills the column a team of three leaves with the next team of one, so eight tiles in five teams take two rows of four", () => {
    // Discovery 3, Payments 2, Messaging 1, Platform 1, Identity 1 (the demo mid-incident at 1366 px).
    expect(pack([3, 2, 1, 1, 1], 4)).toBe("acbde");
  });

  it("keeps the worst-first order when it already packs, and for groups as wide as a row or wider", () => {
    expect(pack([2, 2, 1, 1], 4)).toBe("abcd");
    expect(pack([10, 10, 3, 10], 4)).toBe("abcd");
    expect(pack([3, 2, 1, 1, 1], 8)).toBe("abcde");
  });

  it("moves a group only up to the first row it fits in, never past a bigger gap", () => {
    expect(pack([3, 3, 2, 1, 1], 4)).toBe("adbec");
    expect(pack([5, 3, 2, 1], 6)).toBe("adbc");
  });
});
