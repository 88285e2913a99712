import { describe, expect, it } from "vitest";
import { sideBySide } from "./lineDiff";

const doc = (n: number, edit: (lines: string[]) => void = () => {}) => {
  const lines = Array.from({ length: n }, (_, i) => `line ${i + 1}`);
  edit(lines);
  return lines.join("\n");
};

describe("sideBySide (the conflict view)", () => {
  it("shows nothing changed for the same text, whatever the line ends", () => {
    const { rows, changed } = sideBySide("a\r\nb\r\n", "a\nb\n");
    expect(changed).toBe(0);
    expect(rows).toEqual([{ kind: "fold", count: 3 }]);
  });

  it("pairs a changed line with its replacement, keeps 3 lines of context and folds the rest", () => {
    const theirs = doc(20);
    const mine = doc(20, (l) => (l[9] = "line 10, edited"));
    const { rows, changed } = sideBySide(theirs, mine);
    expect(changed).toBe(1);
    expect(rows).toEqual([
      { kind: "fold", count: 6 },
      { kind: "same", left: "line 7", leftNo: 7, rightNo: 7 },
      { kind: "same", left: "line 8", leftNo: 8, rightNo: 8 },
      { kind: "same", left: "line 9", leftNo: 9, rightNo: 9 },
      { kind: "changed", left: "line 10", right: "line 10, edited", leftNo: 10, rightNo: 10 },
      { kind: "same", left: "line 11", leftNo: 11, rightNo: 11 },
      { kind: "same", left: "line 12", leftNo: 12, rightNo: 12 },
      { kind: "same", left: "line 13", leftNo: 13, rightNo: 13 },
      { kind: "fold", count: 7 },
    ]);
  });

  it("shows a line only I added, and one only they kept, against an empty cell", () => {
    const theirs = "# Title\nkept by them\nshared\n";
    const mine = "# Title\nshared\nadded by me\n";
    const { rows, changed } = sideBySide(theirs, mine, 1);
    expect(changed).toBe(2);
    expect(rows).toEqual([
      { kind: "same", left: "# Title", leftNo: 1, rightNo: 1 },
      { kind: "changed", left: "kept by them", right: null, leftNo: 2, rightNo: null },
      { kind: "same", left: "shared", leftNo: 3, rightNo: 2 },
      { kind: "changed", left: null, right: "added by me", leftNo: null, rightNo: 3 },
      { kind: "same", left: "", leftNo: 4, rightNo: 4 },
    ]);
  });

  it("pairs a run of replaced lines row by row, the longer side's extra lines against empty cells", () => {
    const { rows, changed } = sideBySide("a\nold 1\nold 2\nz", "a\nnew 1\nnew 2\nnew 3\nz", 0);
    expect(changed).toBe(3);
    expect(rows).toEqual([
      { kind: "fold", count: 1 },
      { kind: "changed", left: "old 1", right: "new 1", leftNo: 2, rightNo: 2 },
      { kind: "changed", left: "old 2", right: "new 2", leftNo: 3, rightNo: 3 },
      { kind: "changed", left: null, right: "new 3", leftNo: null, rightNo: 4 },
      { kind: "fold", count: 1 },
    ]);
  });

  it("still shows both whole texts when they share nothing and are too large to align", () => {
    const theirs = Array.from({ length: 3000 }, (_, i) => `theirs ${i}`).join("\n");
    const mine = Array.from({ length: 2000 }, (_, i) => `mine ${i}`).join("\n");
    const { rows, changed } = sideBySide(theirs, mine);
    expect(changed).toBe(3000);
    const cells = rows.flatMap((r) => (r.kind === "changed" ? [r] : []));
    expect(cells.map((r) => r.left)).toEqual(theirs.split("\n"));
    expect(cells.flatMap((r) => (r.right === null ? [] : [r.right]))).toEqual(mine.split("\n"));
  });
});
