import { parseDuration } from "../alerts/duration";
import { Invalid } from "../errors";
import { DRILL_DEFAULT_MAGNITUDE, DRILL_KINDS, DRILL_META, type DrillKind } from "../drills/types";

/**
 * Timeline steps of a game-day plan (SPEC §12), one line each, offsets from the run's start:
 *   +0 observe
 *   +2m drill errors on payments 30% for 5m
 *   +3m expect alert HighErrorRate within 2m
 *   +4m manual "fail over the database"
 *   +10m traffic x5 for 2m         (on the plan's first service unless `on <service>`)
 * Drill kinds and magnitude bounds are the drills' own (lib/drills/types.ts).
 */
export type Step =
  | { n: number; at: number; kind: "observe"; text: string }
  | { n: number; at: number; kind: "drill"; text: string; drill: DrillKind; target: string; magnitude: number; durationMs: number }
  | { n: number; at: number; kind: "expect"; text: string; alert: string; service: string | null; withinMs: number }
  | { n: number; at: number; kind: "manual"; text: string; instruction: string }
  | { n: number; at: number; kind: "traffic"; text: string; target: string; factor: number; durationMs: number };

/** A step as written: a traffic level without `for` gets its length from the next level (parseSteps). */
type RawStep = Exclude<Step, { kind: "traffic" }> | (Omit<Extract<Step, { kind: "traffic" }>, "durationMs"> & { durationMs: number | null });

export type StepNames = { services: ReadonlySet<string>; simulated: ReadonlySet<string>; defaultService: string };

const MIN_DRILL_MS = 10_000;
const MAX_DRILL_MS = 6 * 3600_000;

function duration(text: string, what: string, line: string): number {
  try {
    return parseDuration(what);
  } catch (err) {
    throw new Invalid(`step "${line}": ${(err as Error).message}`);
  }
}

function drillTarget(line: string, id: string, names: StepNames): string {
  if (!names.services.has(id)) throw new Invalid(`step "${line}": unknown service "${id}"`);
  if (!names.simulated.has(id)) throw new Invalid(`step "${line}": service "${id}" is not simulated; drills only target simulator-fed services`);
  return id;
}

function drillLength(line: string, text: string): number {
  const ms = duration(line, text, line);
  if (ms < MIN_DRILL_MS || ms > MAX_DRILL_MS) throw new Invalid(`step "${line}": a drill lasts between 10s and 6h, not ${text}`);
  return ms;
}

function checkMagnitude(line: string, kind: DrillKind, magnitude: number): number {
  const meta = DRILL_META[kind];
  if (!(magnitude >= meta.min && magnitude <= meta.max)) throw new Invalid(`step "${line}": magnitude ${magnitude} for ${kind} is out of bounds: between ${meta.min} and ${meta.max} (${meta.magnitudeLabel})`);
  return magnitude;
}

const DRILL = /^drill\s+([a-z-]+)\s+on\s+([a-z0-9-]+)(?:\s+(?:x(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*(%|x)))?\s+for\s+(\S+)$/;
const EXPECT = /^expect\s+alert\s+([A-Za-z0-9_:.-]+)(?:\s+on\s+([a-z0-9-]+))?\s+within\s+(\S+)$/;
const MANUAL = /^manual\s+"([^"]{1,300})"$/;
const TRAFFIC = /^traffic\s+x(\d+(?:\.\d+)?)(?:\s+on\s+([a-z0-9-]+))?(?:\s+for\s+(\S+))?$/;
const OBSERVE = /^observe(?:\s+(.{1,300}))?$/;

/** Parses one step line (n is its 1-based position); throws `Invalid` naming the line. */
export function parseStep(n: number, raw: string, names: StepNames): RawStep {
  const line = raw.trim();
  const m = /^\+(\S+)\s+(.+)$/.exec(line);
  if (!m) throw new Invalid(`step "${line}" does not parse: start with an offset such as "+0" or "+2m", then observe, drill, expect alert, manual or traffic`);
  const at = duration(line, m[1], line);
  const rest = m[2].trim();
  let r: RegExpExecArray | null;
  if ((r = OBSERVE.exec(rest))) return { n, at, kind: "observe", text: line };
  if ((r = DRILL.exec(rest))) {
    const kind = r[1] as DrillKind;
    if (!(DRILL_KINDS as readonly string[]).includes(kind)) throw new Invalid(`step "${line}": unknown drill kind "${r[1]}"; use one of ${DRILL_KINDS.join(", ")}`);
    const target = drillTarget(line, r[2], names);
    const given = r[3] ?? r[4];
    const magnitude = checkMagnitude(line, kind, given === undefined ? DRILL_DEFAULT_MAGNITUDE[kind] : Number(given));
    return { n, at, kind: "drill", text: line, drill: kind, target, magnitude, durationMs: drillLength(line, r[6]) };
  }
  if ((r = EXPECT.exec(rest))) {
    const service = r[2] ?? null;
    if (service !== null && !names.services.has(service)) throw new Invalid(`step "${line}": unknown service "${service}"`);
    const withinMs = duration(line, r[3], line);
    if (withinMs <= 0) throw new Invalid(`step "${line}": "within" must be longer than 0`);
    return { n, at, kind: "expect", text: line, alert: r[1], service, withinMs };
  }
  if ((r = MANUAL.exec(rest))) return { n, at, kind: "manual", text: line, instruction: r[1] };
  if ((r = TRAFFIC.exec(rest))) {
    const target = drillTarget(line, r[2] ?? names.defaultService, names);
    const factor = Number(r[1]);
    if (factor !== 1) checkMagnitude(line, "traffic", factor);
    return { n, at, kind: "traffic", text: line, target, factor, durationMs: r[3] !== undefined ? drillLength(line, r[3]) : null };
  }
  throw new Invalid(`step "${line}" does not parse: after the offset write observe, drill <kind> on <service> [magnitude] for <duration>, expect alert <name> within <duration>, manual "<what to do>" or traffic x<factor> [for <duration>]`);
}

/**
 * Every step in order. Offsets must not go back; a traffic level without `for` lasts until the
 * next traffic step (the last one needs `for`). Errors carry the step's index.
 */
export function parseSteps(lines: readonly string[], names: StepNames): { steps: Step[]; errors: { index: number; message: string }[] } {
  const errors: { index: number; message: string }[] = [];
  const parsed: RawStep[] = [];
  lines.forEach((line, i) => {
    try {
      const s = parseStep(i + 1, line, names);
      const prev = parsed[parsed.length - 1];
      if (prev && s.at < prev.at) errors.push({ index: i, message: `step "${line.trim()}" is out of order: its offset is before the previous step's` });
      parsed.push(s);
    } catch (err) {
      errors.push({ index: i, message: (err as Error).message });
    }
  });
  if (errors.length > 0) return { steps: [], errors };
  const steps = parsed.map((s, i): Step => {
    if (s.kind !== "traffic") return s;
    if (s.durationMs !== null) return { ...s, durationMs: s.durationMs };
    const next = parsed.slice(i + 1).find((x) => x.kind === "traffic" && x.target === s.target);
    if (!next) {
      errors.push({ index: i, message: `step "${s.text}": the last traffic level needs "for <duration>"` });
      return { ...s, durationMs: 0 };
    }
    return { ...s, durationMs: next.at - s.at };
  });
  return errors.length > 0 ? { steps: [], errors } : { steps, errors };
}

/** When a step's effect ends (drills and traffic levels), else its offset. */
export function stepEnd(s: Step): number {
  if (s.kind === "drill" || s.kind === "traffic") return s.at + s.durationMs;
  if (s.kind === "expect") return s.at + s.withinMs;
  return s.at;
}
