import { isMap, isScalar, parseDocument } from "yaml";

/**
 * YAML front matter of a Markdown file, shared by runbooks and postmortem templates: a first
 * line `---`, YAML, then a `---` (or `...`) line. Every position is an offset into the source
 * with its 1-based line and column, so callers can report `file:line:column`.
 */

export type SourcePosition = { offset: number; line: number; column: number };

export type FrontMatterSplit =
  | { kind: "none" }
  | { kind: "unclosed" }
  | { kind: "block"; yaml: string; yamlStart: SourcePosition; bodyStart: SourcePosition };

export type FrontMatterIssue = SourcePosition & {
  /** Line and column counted from the first YAML line (the line after the opening `---`). */
  yamlLine: number;
  yamlColumn: number;
  message: string;
};

export type FrontMatter =
  | { kind: "none" }
  | { kind: "unclosed" }
  | {
      kind: "block";
      yaml: string;
      yamlStart: SourcePosition;
      bodyStart: SourcePosition;
      /** The YAML as plain data (undefined when it has errors; null when it is empty). */
      data: unknown;
      errors: FrontMatterIssue[];
      /** Where each top-level key of a mapping is written. */
      keys: Map<string, SourcePosition>;
    };

const OPEN = /^\uFEFF?---[ \t]*\r?\n/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m;
/** Aliases expanded at most this many times (a "billion laughs" file is refused, not expanded). */
const MAX_ALIAS_COUNT = 50;

function positionOf(source: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf("\n"); i >= 0 && i < offset; i = source.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/** Finds the front matter block without reading the YAML. */
export function splitFrontMatter(source: string): FrontMatterSplit {
  const open = OPEN.exec(source);
  if (!open) return { kind: "none" };
  const yamlOffset = open[0].length;
  const close = CLOSE.exec(source.slice(yamlOffset));
  if (!close) return { kind: "unclosed" };
  return {
    kind: "block",
    yaml: source.slice(yamlOffset, yamlOffset + close.index),
    yamlStart: positionOf(source, yamlOffset),
    bodyStart: positionOf(source, yamlOffset + close.index + close[0].length),
  };
}

/** Splits the front matter and parses it with `yaml` (duplicate keys are errors); every error is kept. */
export function readFrontMatter(source: string): FrontMatter {
  const split = splitFrontMatter(source);
  if (split.kind !== "block") return split;
  const at = (yamlOffset: number) => positionOf(source, split.yamlStart.offset + yamlOffset);
  const doc = parseDocument(split.yaml, { uniqueKeys: true, prettyErrors: false });
  const errors = doc.errors.map((e): FrontMatterIssue => {
    const p = at(Math.min(e.pos[0], split.yaml.length));
    return { ...p, yamlLine: p.line - split.yamlStart.line + 1, yamlColumn: p.column, message: e.message.split("\n")[0] };
  });
  const keys = new Map<string, SourcePosition>();
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && pair.key.range && !keys.has(String(pair.key.value))) keys.set(String(pair.key.value), at(pair.key.range[0]));
    }
  }
  let data: unknown;
  if (errors.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      // toJS throws when aliases expand past the limit.
      errors.push({ ...split.yamlStart, yamlLine: 1, yamlColumn: 1, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { ...split, data, errors, keys };
}
