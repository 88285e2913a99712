import { describe, expect, it, vi } from "vitest";
import { newId } from "./context";

describe("newId", () => {
  it("is a UUIDv7 ordered by creation, within one millisecond and when the clock steps back", () => {
    const now = vi.spyOn(Date, "now").mockReturnValue(Date.UTC(2026, 11, 1, 12));
    try {
      const ids = Array.from({ length: 5000 }, () => newId());
      now.mockReturnValue(Date.UTC(2026, 11, 1, 11, 59));
      ids.push(newId(), newId());
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect([...ids].sort()).toEqual(ids);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      now.mockRestore();
    }
  });
});
