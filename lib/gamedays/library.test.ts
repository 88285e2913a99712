import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PlanLibrary } from "./library";

const names = { services: new Set(["checkout"]), simulated: new Set(["checkout"]), slos: new Set<string>() };
const plan = (title: string, condition = "checkout.errorPct < 1") =>
  `---\ntitle: ${title}\nobjective: o\nowner: me\nservices: [checkout]\nhypothesis:\n  - ${condition}\nsteps:\n  - +0 observe\n---\n`;

let dir = "";
let lib: PlanLibrary | null = null;
afterEach(() => {
  lib?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check()).toBe(true);
}

describe("the plan folder", () => {
  it("loads plans, lists invalid files with file:line, and picks up a change on disk", async () => {
    dir = mkdtempSync(join(tmpdir(), "war-room-plans-"));
    writeFileSync(join(dir, "a.md"), plan("First"));
    writeFileSync(join(dir, "b.md"), plan("Bad", "checkout.p99 somewhat high"));
    lib = new PlanLibrary({ dir, names });
    await lib.load();
    expect(lib.list().map((p) => p.title)).toEqual(["First"]);
    expect(lib.invalid()).toEqual([{ path: "b.md", problems: [{ line: 7, message: expect.stringContaining("does not parse") }] }]);
    lib.watch();
    writeFileSync(join(dir, "b.md"), plan("Fixed"));
    await until(() => lib!.get("b")?.title === "Fixed");
    expect(lib.invalid()).toEqual([]);
  });

  it("a missing folder is an empty library", async () => {
    lib = new PlanLibrary({ dir: join(tmpdir(), "war-room-no-such-plans"), names });
    await lib.load();
    expect(lib.list()).toEqual([]);
  });
});
