import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { MAX_RUNBOOK_BYTES, type InvalidRunbook, type ParsedRunbook } from "./model";
import { RunbookError, parseRunbook } from "./parse";

export type RunbookTree = { runbooks: ParsedRunbook[]; invalid: InvalidRunbook[] };

/**
 * Every `*.md` file under `dir` (nested folders; dot-folders and symlinks skipped). A file is
 * either a runbook or listed as invalid with its reason. Slugs are paths, so they cannot clash.
 * A missing folder is an empty library.
 */
export async function loadRunbookTree(dir: string): Promise<RunbookTree> {
  const tree: RunbookTree = { runbooks: [], invalid: [] };
  await walk(dir, dir, tree);
  tree.runbooks.sort((a, b) => a.title.localeCompare(b.title) || a.slug.localeCompare(b.slug));
  tree.invalid.sort((a, b) => a.path.localeCompare(b.path));
  return tree;
}

async function walk(root: string, dir: string, tree: RunbookTree): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ENOTDIR") return;
    throw err;
  }
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) await walk(root, path, tree);
    else if (e.isFile() && e.name.endsWith(".md")) {
      const rel = relative(root, path).split(sep).join("/");
      const r = await loadRunbookFile(path, rel.slice(0, -".md".length));
      if ("reason" in r) tree.invalid.push({ path: rel, reason: r.reason });
      else tree.runbooks.push(r);
    }
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** One file: the parsed runbook, or why it cannot be served. */
export async function loadRunbookFile(path: string, slug: string): Promise<ParsedRunbook | { reason: string }> {
  try {
    const { size } = await stat(path);
    if (size > MAX_RUNBOOK_BYTES) return { reason: `file is ${size} bytes; runbooks may be at most ${MAX_RUNBOOK_BYTES} bytes (1 MiB)` };
    const bytes = await readFile(path);
    if (bytes.length > MAX_RUNBOOK_BYTES) return { reason: `file is ${bytes.length} bytes; runbooks may be at most ${MAX_RUNBOOK_BYTES} bytes (1 MiB)` };
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return { reason: "file is not valid UTF-8 text; save it as UTF-8" };
    }
    return parseRunbook(slug, text);
  } catch (err) {
    if (err instanceof RunbookError) return { reason: err.message };
    const code = (err as NodeJS.ErrnoException).code;
    if (code) return { reason: `cannot read: ${code}` };
    throw err;
  }
}
