import { diffArrays } from "diff";

/**
 * A side-by-side line diff for the conflict panel: their version on the left, mine on the right,
 * rows aligned, long unchanged stretches folded. The lines between the common head and tail are
 * aligned by jsdiff (Myers); past an edit-length limit the middle is shown as one replaced block
 * (still both texts).
 */

export type DiffRow =
  | { kind: "same"; left: string; leftNo: number; rightNo: number }
  | { kind: "changed"; left: string | null; right: string | null; leftNo: number | null; rightNo: number | null }
  | { kind: "fold"; count: number };

/** More differing lines than this and the middle is not aligned (bounds the work per render). */
const MAX_EDITS = 1000;

type Op = { kind: "same" | "del" | "ins"; line: string };

function middleOps(a: string[], b: string[]): Op[] {
  const changes = a.length && b.length ? diffArrays(a, b, { maxEditLength: MAX_EDITS }) : undefined;
  if (!changes) return [...a.map((line) => ({ kind: "del" as const, line })), ...b.map((line) => ({ kind: "ins" as const, line }))];
  return changes.flatMap((c) => c.value.map((line) => ({ kind: c.added ? ("ins" as const) : c.removed ? ("del" as const) : ("same" as const), line })));
}

function lines(text: string): string[] {
  return text.replace(/\r\n?/g, "\n").split("\n");
}

/** Rows for theirs (left) against mine (right); `context` unchanged lines are kept around each change. */
export function sideBySide(theirs: string, mine: string, context = 3): { rows: DiffRow[]; changed: number } {
  const a = lines(theirs);
  const b = lines(mine);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ops: Op[] = [
    ...a.slice(0, head).map((line) => ({ kind: "same" as const, line })),
    ...middleOps(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...a.slice(a.length - tail).map((line) => ({ kind: "same" as const, line })),
  ];

  // Pair each run of deletions with the insertions that follow it, line by line.
  const full: Exclude<DiffRow, { kind: "fold" }>[] = [];
  let leftNo = 1;
  let rightNo = 1;
  let changed = 0;
  for (let k = 0; k < ops.length; ) {
    if (ops[k].kind === "same") {
      full.push({ kind: "same", left: ops[k].line, leftNo: leftNo++, rightNo: rightNo++ });
      k++;
      continue;
    }
    const dels: string[] = [];
    const ins: string[] = [];
    while (k < ops.length && ops[k].kind !== "same") {
      (ops[k].kind === "del" ? dels : ins).push(ops[k].line);
      k++;
    }
    for (let r = 0; r < Math.max(dels.length, ins.length); r++) {
      changed++;
      full.push({
        kind: "changed",
        left: r < dels.length ? dels[r] : null,
        right: r < ins.length ? ins[r] : null,
        leftNo: r < dels.length ? leftNo++ : null,
        rightNo: r < ins.length ? rightNo++ : null,
      });
    }
  }

  // Fold unchanged stretches longer than the context on both sides.
  const near = new Uint8Array(full.length);
  full.forEach((row, idx) => {
    if (row.kind !== "changed") return;
    for (let d = Math.max(0, idx - context); d <= Math.min(full.length - 1, idx + context); d++) near[d] = 1;
  });
  const rows: DiffRow[] = [];
  for (let idx = 0; idx < full.length; ) {
    if (near[idx]) {
      rows.push(full[idx++]);
      continue;
    }
    let end = idx;
    while (end < full.length && !near[end]) end++;
    rows.push({ kind: "fold", count: end - idx });
    idx = end;
  }
  return { rows, changed };
}
