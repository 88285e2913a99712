import { describe, expect, it } from "vitest";
import { readFrontMatter, splitFrontMatter } from "./front-matter";

describe("front matter", () => {
  it("is absent unless the first line is ---, and unclosed without a closing line", () => {
    expect(readFrontMatter("# Title\n---\n")).toEqual({ kind: "none" });
    expect(readFrontMatter(" ---\ntitle: A\n---\n")).toEqual({ kind: "none" });
    expect(readFrontMatter("---\ntitle: A\n")).toEqual({ kind: "unclosed" });
  });

  it("gives the YAML, the data, and where the body starts (LF and CRLF, --- or ...)", () => {
    const fm = readFrontMatter("---\ntitle: A\ntags: [x]\n---\n\nbody\n");
    expect(fm).toMatchObject({ kind: "block", yaml: "title: A\ntags: [x]\n", data: { title: "A", tags: ["x"] }, errors: [] });
    if (fm.kind !== "block") return;
    expect(fm.yamlStart).toEqual({ offset: 4, line: 2, column: 1 });
    expect(fm.bodyStart).toEqual({ offset: 27, line: 5, column: 1 });
    const crlf = readFrontMatter("---\r\ntitle: A\r\n...\r\nbody");
    expect(crlf).toMatchObject({ kind: "block", data: { title: "A" }, bodyStart: { offset: 20, line: 4, column: 1 } });
    expect(readFrontMatter("---\n---")).toMatchObject({ kind: "block", yaml: "", data: null, bodyStart: { offset: 7, line: 2, column: 4 } });
    expect(splitFrontMatter("\uFEFF---\ntitle: A\n---\nx")).toMatchObject({ kind: "block", yaml: "title: A\n" });
  });

  it("places YAML errors and keys in the file and in the front matter", () => {
    const dup = readFrontMatter("---\ntitle: A\n  \ntitle: B\n---\n");
    expect(dup.kind === "block" && dup.errors).toEqual([expect.objectContaining({ line: 4, column: 1, yamlLine: 3, yamlColumn: 1, message: expect.stringMatching(/[Mm]ap keys must be unique/) })]);
    expect(dup.kind === "block" && dup.data).toBeUndefined();
    const keys = readFrontMatter("---\ntitle: A\nnested:\n  owner: x\nowner: me\n---\n");
    expect(keys.kind === "block" && Object.fromEntries(keys.keys)).toEqual({
      title: { offset: 4, line: 2, column: 1 },
      nested: { offset: 13, line: 3, column: 1 },
      owner: { offset: 32, line: 5, column: 1 },
    });
  });

  it("refuses alias bombs instead of expanding them", () => {
    const bomb = ["---", "a: &a [x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a]", "c: [*b, *b, *b, *b, *b, *b, *b, *b]", "---", ""].join("\n");
    const fm = readFrontMatter(bomb);
    expect(fm.kind === "block" && fm.errors.length).toBe(1);
    expect(fm.kind === "block" && fm.data).toBeUndefined();
  });
});
