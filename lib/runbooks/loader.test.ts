import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { loadRunbookTree } from "./loader";
import { RunbookLibrary } from "./library";
import { MAX_RUNBOOK_BYTES } from "./model";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "runbooks-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (rel: string, content: string | Buffer) => {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), content);
};
const rb = (title: string, body = "- [ ] step\n") => `---\ntitle: ${title}\nservices: [checkout]\nlast_reviewed: 2026-11-01\n---\n${body}`;

describe("loadRunbookTree", () => {
  it("reads nested folders, skips non-markdown, and lists bad files with reasons", async () => {
    write("a.md", rb("Alpha"));
    write("checkout/deep/b.md", rb("Beta"));
    write("notes.txt", "not a runbook");
    write("README.MD", rb("upper-case extension is skipped"));
    write(".drafts/hidden.md", rb("Hidden"));
    write("bad/no-title.md", "---\nservices: [x]\n---\nbody");
    write("bad/latin1.md", Buffer.concat([Buffer.from(rb("Caf")), Buffer.from([0xe9, 0x0a])]));
    write("bad/huge.md", rb("Huge", "x".repeat(MAX_RUNBOOK_BYTES)));
    const tree = await loadRunbookTree(dir);
    expect(tree.runbooks.map((r) => r.slug)).toEqual(["a", "checkout/deep/b"]);
    expect(tree.invalid).toEqual([
      { path: "bad/huge.md", reason: expect.stringMatching(/at most 1048576 bytes \(1 MiB\)/) },
      { path: "bad/latin1.md", reason: "file is not valid UTF-8 text; save it as UTF-8" },
      { path: "bad/no-title.md", reason: expect.stringMatching(/title is required/) },
    ]);
  });

  it("serves a file of exactly 1 MiB", async () => {
    const head = rb("Edge", "");
    write("edge.md", head + "y".repeat(MAX_RUNBOOK_BYTES - Buffer.byteLength(head)));
    expect((await loadRunbookTree(dir)).runbooks.map((r) => r.slug)).toEqual(["edge"]);
  });

  it("treats a missing folder as empty", async () => {
    expect(await loadRunbookTree(join(dir, "nope"))).toEqual({ runbooks: [], invalid: [] });
  });
});

describe("RunbookLibrary.watch", () => {
  it("picks up added, changed and removed files without a restart", async () => {
    write("a.md", rb("Alpha"));
    const lib = new RunbookLibrary({ dir, clock: { now: () => Date.UTC(2026, 10, 23) } });
    await lib.load();
    lib.watch();
    try {
      const until = (cond: () => boolean) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (!cond()) return;
            lib.off("change", check);
            resolve();
          };
          lib.on("change", check);
          check();
        });
      write("nested/b.md", rb("Bravo", "- [ ] first\n- [ ] second\n"));
      await until(() => lib.get("nested/b") !== undefined);
      expect(lib.get("nested/b")?.steps).toBe(2);
      expect(lib.search("bravo").map((h) => h.slug)).toEqual(["nested/b"]);

      write("a.md", rb("Alpha renamed"));
      await until(() => lib.get("a")?.title === "Alpha renamed");

      unlinkSync(join(dir, "a.md"));
      await until(() => lib.get("a") === undefined);
      expect(lib.list().runbooks.map((r) => r.slug)).toEqual(["nested/b"]);
    } finally {
      lib.close();
    }
  });
});
