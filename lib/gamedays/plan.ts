import { isMap, isSeq, parseDocument, type Node } from "yaml";
import { z } from "zod";
import { parseDuration } from "../alerts/duration";
import { readFrontMatter, splitFrontMatter } from "../markdown/front-matter";
import { parseCondition, type Condition, type ConditionNames } from "./conditions";
import { parseSteps, stepEnd, type Step, type StepNames } from "./steps";

/** A game-day plan (SPEC §12) as loaded from `gamedays/<slug>.md`. */
export type Plan = {
  slug: string;
  title: string;
  objective: string;
  owner: string;
  services: string[];
  prerequisites: string[];
  hypothesis: Condition[];
  abort: Condition[];
  steps: Step[];
  expectedAlerts: string[];
  runbooks: string[];
  /** The run ends by itself after this long (guardrail). */
  maxDurationMs: number;
  /** When the last step's effect ends: the run completes after this once signals are back. */
  plannedMs: number;
  body: string;
};

/** A plan file that could not be read: each problem with its line (1-based, in the file). */
export type PlanProblem = { line: number; message: string };
export type InvalidPlan = { path: string; problems: PlanProblem[] };

export type PlanNames = ConditionNames & { simulated: ReadonlySet<string> };

const DEFAULT_MAX_MS = 3600_000;
const MAX_MAX_MS = 4 * 3600_000;

const text = (max: number) => z.string().trim().min(1).max(max);
const list = z.array(z.string().min(1).max(400)).max(100);
const FrontMatterSchema = z
  .object({
    title: text(200),
    objective: text(2000),
    owner: text(100),
    services: z.array(z.string()).min(1, "list at least one service").max(20),
    hypothesis: list.min(1, "a plan needs a steady-state hypothesis: at least one condition"),
    abort: list.default([]),
    steps: list.min(1, "a plan needs at least one step"),
    expectedAlerts: list.default([]),
    runbooks: list.default([]),
    maxDuration: z.string().default("1h"),
  })
  .strict();

/** Parses one plan file; every problem carries the file line it is on. */
export function parsePlan(slug: string, source: string, names: PlanNames): Plan | { problems: PlanProblem[] } {
  const fm = readFrontMatter(source);
  if (fm.kind === "none") return { problems: [{ line: 1, message: 'no front matter: the file must start with "---", then YAML (title: …), then "---"' }] };
  if (fm.kind === "unclosed") return { problems: [{ line: 1, message: 'front matter is not closed: add a "---" line after the YAML' }] };
  if (fm.errors.length > 0) return { problems: fm.errors.map((e) => ({ line: e.line, message: `not valid YAML: ${e.message}` })) };
  const split = splitFrontMatter(source);
  if (split.kind !== "block") return { problems: [{ line: 1, message: "no front matter" }] };
  const lineAt = lineFinder(source, split.yamlStart.offset);
  const doc = parseDocument(split.yaml);
  const keyLine = (key: string) => fm.keys.get(key)?.line ?? split.yamlStart.line;
  const itemLine = (key: string, i: number) => {
    const seq = isMap(doc.contents) ? doc.contents.get(key, true) : undefined;
    const item = isSeq(seq) ? (seq.items[i] as Node | undefined) : undefined;
    return item?.range ? lineAt(item.range[0]) : keyLine(key);
  };

  const r = FrontMatterSchema.safeParse(fm.data ?? {});
  if (!r.success) {
    return {
      problems: r.error.issues.map((i) => {
        const [key, index] = i.path as (string | number)[];
        const line = typeof key === "string" ? (typeof index === "number" ? itemLine(key, index) : keyLine(key)) : split.yamlStart.line;
        const missing = i.code === "invalid_type" && i.path.length === 1 && (fm.data as Record<string, unknown> | null)?.[String(key)] === undefined;
        const what =
          i.code === "unrecognized_keys" ? `unknown field ${i.keys.map((k) => `"${k}"`).join(", ")}` : missing ? `${String(key)} is required` : `${i.path.join(".") || "front matter"}: ${i.message}`;
        const keyLineOf = i.code === "unrecognized_keys" ? keyLine(i.keys[0]) : line;
        return { line: keyLineOf, message: what };
      }),
    };
  }
  const meta = r.data;
  const problems: PlanProblem[] = [];
  meta.services.forEach((s, i) => {
    if (!names.services.has(s)) problems.push({ line: itemLine("services", i), message: `unknown service "${s}"` });
  });
  const conditions = (key: "hypothesis" | "abort") =>
    meta[key].flatMap((c, i): Condition[] => {
      try {
        const cond = parseCondition(c, names);
        if (key === "abort" && cond.forMs === 0) throw new Error(`abort criterion "${c}" needs a duration: add "for 30s" (how long it must hold before the run is stopped)`);
        if (key === "hypothesis" && cond.forMs > 0) throw new Error(`hypothesis condition "${c}" takes no "for": it must hold at every probe`);
        return [cond];
      } catch (err) {
        problems.push({ line: itemLine(key, i), message: (err as Error).message });
        return [];
      }
    });
  const hypothesis = conditions("hypothesis");
  const abort = conditions("abort");
  const stepNames: StepNames = { services: names.services, simulated: names.simulated, defaultService: meta.services[0] };
  const { steps, errors } = parseSteps(meta.steps, stepNames);
  for (const e of errors) problems.push({ line: itemLine("steps", e.index), message: e.message });
  let maxDurationMs = DEFAULT_MAX_MS;
  try {
    maxDurationMs = parseDuration(meta.maxDuration);
    if (maxDurationMs <= 0 || maxDurationMs > MAX_MAX_MS) problems.push({ line: keyLine("maxDuration"), message: "maxDuration must be more than 0 and at most 4h" });
  } catch (err) {
    problems.push({ line: keyLine("maxDuration"), message: `maxDuration: ${(err as Error).message}` });
  }
  const plannedMs = steps.reduce((end, s) => Math.max(end, stepEnd(s)), 0);
  if (problems.length === 0 && plannedMs > maxDurationMs) problems.push({ line: keyLine("maxDuration"), message: `the steps run for ${Math.round(plannedMs / 1000)}s, longer than maxDuration (${meta.maxDuration})` });
  if (problems.length > 0) return { problems: problems.sort((a, b) => a.line - b.line) };

  const body = source.slice(split.bodyStart.offset).replace(/\r\n/g, "\n");
  const expected = new Set(meta.expectedAlerts);
  for (const s of steps) if (s.kind === "expect") expected.add(s.alert);
  return {
    slug,
    title: meta.title,
    objective: meta.objective,
    owner: meta.owner,
    services: [...new Set(meta.services)],
    prerequisites: prerequisitesOf(body),
    hypothesis,
    abort,
    steps,
    expectedAlerts: [...expected],
    runbooks: meta.runbooks,
    maxDurationMs,
    plannedMs,
    body,
  };
}

/** `- [ ] …` items of the body's "Prerequisites" section (or of the whole body without one). */
export function prerequisitesOf(body: string): string[] {
  const lines = body.split("\n");
  const hasSection = lines.some((l) => /^#{1,6}\s+prerequisites\b/i.test(l));
  let inside = !hasSection;
  const items: string[] = [];
  for (const l of lines) {
    if (/^#{1,6}\s/.test(l)) inside = !hasSection || /^#{1,6}\s+prerequisites\b/i.test(l);
    const m = inside ? /^\s*[-*]\s+\[[ xX]\]\s+(.+)$/.exec(l) : null;
    if (m) items.push(m[1].trim());
  }
  return items;
}

/** Offset into the YAML → line of the file. */
function lineFinder(source: string, yamlOffset: number): (offset: number) => number {
  return (offset) => {
    let line = 1;
    const end = yamlOffset + offset;
    for (let i = source.indexOf("\n"); i >= 0 && i < end; i = source.indexOf("\n", i + 1)) line++;
    return line;
  };
}
