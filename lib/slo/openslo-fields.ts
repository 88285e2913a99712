import { targetProblem, type SloWindow } from "./schema";

/** Field-by-field mapping of an OpenSLO SLO spec (budgeting, time window, objective) onto ours. */

/** Shared shapes of the OpenSLO mappers: an issue is a path inside one document and its reason. */
export type Path = (string | number)[];
export type Issue = { path: Path; message: string };
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const q = (v: unknown) => JSON.stringify(v);

const OBJECTIVE_KEYS = ["displayName", "op", "value", "target", "targetPercent"];
const ROLLING_DAYS: Record<number, SloWindow> = { 7: "7d", 28: "28d", 30: "30d" };
const UTC_ZONES = new Set(["UTC", "Etc/UTC"]);

export function checkBudgeting(method: unknown, issues: Issue[]) {
  const path = ["spec", "budgetingMethod"];
  if (method === "Occurrences") return;
  if (method === undefined) issues.push({ path, message: "spec.budgetingMethod is required: Occurrences" });
  else if (method === "Timeslices" || method === "RatioTimeslices") {
    issues.push({ path, message: `budgetingMethod ${q(method)} is not supported: only Occurrences (War Room counts good and total events)` });
  } else issues.push({ path, message: `unknown budgetingMethod ${q(method)}: only Occurrences is supported` });
}

export function mapTimeWindow(value: unknown, issues: Issue[]): SloWindow | undefined {
  const base = ["spec", "timeWindow"];
  if (!Array.isArray(value) || value.length === 0) {
    issues.push({ path: base, message: "spec.timeWindow is required: a list with one entry, e.g. [{ duration: 28d, isRolling: true }]" });
    return undefined;
  }
  if (value.length > 1) {
    issues.push({ path: base, message: `${value.length} time windows given: exactly one is supported` });
    return undefined;
  }
  const w = value[0];
  const path = [...base, 0];
  if (!isObj(w)) {
    issues.push({ path, message: "expected { duration, isRolling }" });
    return undefined;
  }
  const duration = typeof w.duration === "string" ? /^(\d+)([mhdwMQY])$/.exec(w.duration) : null;
  if (!duration) {
    issues.push({ path: [...path, "duration"], message: w.duration === undefined ? "duration is required, e.g. 28d" : `invalid duration ${q(w.duration)}: use e.g. 28d or 1M` });
    return undefined;
  }
  const n = Number(duration[1]);
  const unit = duration[2];
  const rolling = w.isRolling === true || (w.isRolling === undefined && w.calendar === undefined);
  if (w.isRolling !== undefined && typeof w.isRolling !== "boolean") {
    issues.push({ path: [...path, "isRolling"], message: "isRolling must be true or false" });
    return undefined;
  }

  if (rolling) {
    if (w.calendar !== undefined) {
      issues.push({ path: [...path, "calendar"], message: "calendar applies only to isRolling: false" });
      return undefined;
    }
    const days = unit === "d" ? n : unit === "w" ? 7 * n : NaN;
    const window = ROLLING_DAYS[days];
    if (!window) {
      issues.push({ path: [...path, "duration"], message: `rolling window ${q(w.duration)} is not supported: use 7d, 28d or 30d` });
      return undefined;
    }
    return window;
  }

  if (!(n === 1 && unit === "M")) {
    issues.push({ path: [...path, "duration"], message: `calendar window ${q(w.duration)} is not supported: use 1M (calendar month)` });
    return undefined;
  }
  const cal = w.calendar;
  if (!isObj(cal)) {
    issues.push({ path: [...path, "calendar"], message: "a calendar window needs calendar: { startTime, timeZone: UTC }" });
    return undefined;
  }
  if (typeof cal.timeZone !== "string" || !UTC_ZONES.has(cal.timeZone)) {
    issues.push({
      path: [...path, "calendar", "timeZone"],
      message: cal.timeZone === undefined ? "calendar.timeZone is required: UTC" : `timeZone ${q(cal.timeZone)} is not supported: calendar months are UTC`,
    });
    return undefined;
  }
  const start = typeof cal.startTime === "string" ? /^\d{4}-\d{2}-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})Z?$/.exec(cal.startTime) : null;
  if (!start || start[1] !== "01" || start[2] !== "00" || start[3] !== "00" || start[4] !== "00") {
    issues.push({
      path: [...path, "calendar", "startTime"],
      message: `calendar.startTime must be the start of a month, e.g. "2024-01-01 00:00:00" (got ${q(cal.startTime)}): months starting mid-month are not supported`,
    });
    return undefined;
  }
  return "calendar-month";
}

export function singleObjective(value: unknown, issues: Issue[]): Obj | undefined {
  const path = ["spec", "objectives"];
  if (!Array.isArray(value) || value.length === 0) {
    issues.push({ path, message: "spec.objectives is required: one objective with a target" });
    return undefined;
  }
  if (value.length > 1) {
    const names = value.map((o, i) => (isObj(o) && typeof o.displayName === "string" ? q(o.displayName) : `#${i}`));
    issues.push({ path, message: `${value.length} objectives (${names.join(", ")}): only one objective per SLO is supported; split them into separate SLO documents` });
    return undefined;
  }
  const o = value[0];
  if (!isObj(o)) {
    issues.push({ path: [...path, 0], message: "expected an objective with a target" });
    return undefined;
  }
  for (const key of Object.keys(o)) {
    if (key === "timeSliceTarget" || key === "timeSliceWindow") {
      issues.push({ path: [...path, 0, key], message: `${key} belongs to Timeslices budgeting, which is not supported` });
    } else if (key === "indicator" || key === "indicatorRef" || key === "compositeWeight") {
      issues.push({ path: [...path, 0, key], message: `${key} in an objective (composite SLO) is not supported: put one inline indicator in spec.indicator` });
    } else if (!OBJECTIVE_KEYS.includes(key)) {
      issues.push({ path: [...path, 0, key], message: `unknown field ${q(key)}` });
    }
  }
  return o;
}

export function mapTarget(o: Obj, issues: Issue[]): number | undefined {
  const path = ["spec", "objectives", 0];
  if (o.target !== undefined && o.targetPercent !== undefined) {
    issues.push({ path: [...path, "targetPercent"], message: "give target or targetPercent, not both" });
    return undefined;
  }
  if (o.targetPercent !== undefined) {
    const p = o.targetPercent;
    if (typeof p !== "number" || !(p > 0 && p < 100)) {
      issues.push({ path: [...path, "targetPercent"], message: "targetPercent must be a number between 0 and 100 (exclusive), e.g. 99.9" });
      return undefined;
    }
    // 99.9 / 100 is 0.9990000000000001 in binary; the author meant the decimal 0.999.
    return Number((p / 100).toPrecision(15));
  }
  if (typeof o.target !== "number") {
    issues.push({ path: [...path, "target"], message: o.target === undefined ? "target (e.g. 0.999) or targetPercent (e.g. 99.9) is required" : "target must be a number, e.g. 0.999" });
    return undefined;
  }
  const message = targetProblem(o.target);
  if (message) {
    issues.push({ path: [...path, "target"], message });
    return undefined;
  }
  return o.target;
}
