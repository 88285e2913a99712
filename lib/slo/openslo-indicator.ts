import { isObj, q, type Issue, type Obj, type Path } from "./openslo-fields";
import type { SloConfig } from "./schema";

/**
 * The SLI of an OpenSLO SLO. The metric queries are not run (our sources count good/total per
 * service); they only decide two things, by documented heuristics:
 *  - ratio SLI good events: "non-5xx" when the good or bad metric source mentions 5xx
 *    (`5xx`, `5..`, or a code/status matcher starting with 5), else "non-error";
 *  - threshold unit: OpenSLO values carry no unit, so the annotation
 *    `war-room/threshold-unit: ms | s` decides; without it a query mentioning `_seconds` means
 *    seconds and `_milliseconds`/`_ms` means ms; anything else is rejected rather than guessed
 *    (a wrong guess is off by 1000×).
 */

export const THRESHOLD_UNIT_ANNOTATION = "war-room/threshold-unit";

export function mapIndicator(spec: Obj, objective: Obj | undefined, metadata: Obj | undefined, issues: Issue[]): SloConfig["sli"] | undefined {
  if (spec.indicatorRef !== undefined) {
    issues.push({ path: ["spec", "indicatorRef"], message: "indicatorRef not supported, inline the indicator in spec.indicator" });
    return undefined;
  }
  const base = ["spec", "indicator"];
  if (!isObj(spec.indicator)) {
    issues.push({ path: base, message: "spec.indicator is required: an inline SLI with spec.ratioMetric or spec.thresholdMetric" });
    return undefined;
  }
  const ispec = spec.indicator.spec;
  if (!isObj(ispec)) {
    issues.push({ path: [...base, "spec"], message: "indicator.spec is required, with ratioMetric or thresholdMetric" });
    return undefined;
  }
  for (const key of Object.keys(ispec)) {
    if (!["description", "ratioMetric", "thresholdMetric"].includes(key)) {
      issues.push({ path: [...base, "spec", key], message: `unknown field ${q(key)}` });
    }
  }
  const ratio = ispec.ratioMetric;
  const threshold = ispec.thresholdMetric;
  if (ratio !== undefined && threshold !== undefined) {
    issues.push({ path: [...base, "spec"], message: "give ratioMetric or thresholdMetric, not both" });
    return undefined;
  }
  if (ratio !== undefined) return mapRatio(ratio, objective, [...base, "spec", "ratioMetric"], issues);
  if (threshold !== undefined) return mapThreshold(threshold, objective, metadata, [...base, "spec", "thresholdMetric"], issues);
  issues.push({ path: [...base, "spec"], message: "indicator.spec needs ratioMetric (good/total or bad/total) or thresholdMetric" });
  return undefined;
}

const MENTIONS_5XX = /5xx|5\.\.|(code|status)[a-z_]*\s*=~?\s*\\?["']5/i;

function mapRatio(ratio: unknown, objective: Obj | undefined, path: Path, issues: Issue[]): SloConfig["sli"] | undefined {
  if (!isObj(ratio)) {
    issues.push({ path, message: "expected { good | bad, total }" });
    return undefined;
  }
  if (ratio.raw !== undefined || ratio.rawType !== undefined) {
    issues.push({ path: [...path, ratio.raw !== undefined ? "raw" : "rawType"], message: "raw ratio metrics are not supported: give good/total or bad/total event counts" });
    return undefined;
  }
  for (const key of Object.keys(ratio)) {
    if (!["counter", "good", "bad", "total"].includes(key)) issues.push({ path: [...path, key], message: `unknown field ${q(key)}` });
  }
  if (ratio.total === undefined) issues.push({ path: [...path, "total"], message: "ratioMetric.total is required" });
  if (ratio.good !== undefined && ratio.bad !== undefined) {
    issues.push({ path: [...path, "bad"], message: "give good or bad, not both" });
  } else if (ratio.good === undefined && ratio.bad === undefined) {
    issues.push({ path, message: "ratioMetric needs good or bad, besides total" });
  }
  if (objective && (objective.op !== undefined || objective.value !== undefined)) {
    issues.push({ path: ["spec", "objectives", 0, objective.op !== undefined ? "op" : "value"], message: "op and value apply to thresholdMetric only; a ratio objective has just a target" });
  }
  const source = q(ratio.good ?? ratio.bad ?? "");
  return { kind: "ratio", good: MENTIONS_5XX.test(source) ? "non-5xx" : "non-error" };
}

function mapThreshold(
  threshold: unknown,
  objective: Obj | undefined,
  metadata: Obj | undefined,
  path: Path,
  issues: Issue[],
): SloConfig["sli"] | undefined {
  if (!isObj(threshold) || threshold.metricSource === undefined) {
    issues.push({ path, message: "thresholdMetric needs a metricSource" });
    return undefined;
  }
  if (!objective) return undefined;
  const opath = ["spec", "objectives", 0];
  if (objective.op !== "lt" && objective.op !== "lte") {
    issues.push({
      path: [...opath, "op"],
      message:
        objective.op === undefined
          ? "op is required for a thresholdMetric: lt or lte (requests faster than value are good)"
          : `op ${q(objective.op)} is not supported: a latency SLI counts requests faster than the threshold, use lt or lte`,
    });
    return undefined;
  }
  if (typeof objective.value !== "number" || !(objective.value > 0)) {
    issues.push({ path: [...opath, "value"], message: "value is required: the latency threshold, a number above 0" });
    return undefined;
  }
  const unit = thresholdUnit(threshold, metadata, issues);
  if (!unit) return undefined;
  // ms: keep as written; s: × 1000 without binary noise (0.3 s → 300 ms, not 300.00000000000006).
  const thresholdMs = unit === "ms" ? objective.value : Number((objective.value * 1000).toPrecision(12));
  return { kind: "latency", thresholdMs };
}

function thresholdUnit(threshold: Obj, metadata: Obj | undefined, issues: Issue[]): "ms" | "s" | undefined {
  const annotations = metadata && isObj(metadata.annotations) ? metadata.annotations : undefined;
  const declared = annotations?.[THRESHOLD_UNIT_ANNOTATION];
  if (declared !== undefined) {
    if (declared === "ms" || declared === "s") return declared;
    issues.push({ path: ["metadata", "annotations", THRESHOLD_UNIT_ANNOTATION], message: `threshold unit ${q(declared)} is not supported: use ms or s` });
    return undefined;
  }
  const source = q(threshold.metricSource);
  const seconds = /_seconds/.test(source);
  const millis = /_milliseconds|_ms\b/.test(source);
  if (seconds !== millis) return seconds ? "s" : "ms";
  issues.push({
    path: ["spec", "objectives", 0, "value"],
    message: `cannot tell the unit of the threshold value: the metric query ${seconds ? "mentions both _seconds and _milliseconds" : "mentions neither _seconds nor _milliseconds"}; add metadata.annotations: { ${THRESHOLD_UNIT_ANNOTATION}: s } (or ms)`,
  });
  return undefined;
}
