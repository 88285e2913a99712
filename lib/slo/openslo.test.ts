import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseOpenSlo, SloDocumentError } from "./openslo";
import { loadOpenSloFile } from "./openslo-file";
import { Invalid } from "../errors";

const RATIO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  displayName: Checkout availability
spec:
  description: 99.9% of checkout requests do not fail with 5xx
  service: checkout
  indicator:
    metadata:
      name: checkout-non-5xx
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{service="checkout",code!~"5.."}[1m]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{service="checkout"}[1m]))
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Availability
      target: 0.999
`;

const THRESHOLD = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-latency
spec:
  service: checkout
  indicator:
    metadata:
      name: checkout-fast
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[5m])))
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar:
        startTime: "2024-01-01 00:00:00"
        timeZone: UTC
  budgetingMethod: Occurrences
  objectives:
    - op: lte
      value: 0.3
      targetPercent: 99.9
`;

function problemsOf(text: string) {
  try {
    parseOpenSlo(text, "slos.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(SloDocumentError);
    const e = err as SloDocumentError;
    expect(e.file).toBe("slos.yaml");
    expect(e).toBeInstanceOf(Invalid);
    return e.problems;
  }
  throw new Error("expected the document to be rejected");
}

describe("parseOpenSlo: accepted documents", () => {
  it("an inline ratio SLI (good/total mentioning 5..) becomes a non-5xx ratio SLO", () => {
    expect(parseOpenSlo(RATIO, "slos.yaml").slos).toEqual([
      {
        id: "checkout-availability",
        service: "checkout",
        name: "Checkout availability",
        description: "99.9% of checkout requests do not fail with 5xx",
        sli: { kind: "ratio", good: "non-5xx" },
        target: 0.999,
        window: "28d",
        alerting: { burnRate: true },
      },
    ]);
  });

  it("bad/total without 5xx in the query is a non-error ratio; 4w is 28d", () => {
    const text = RATIO.replace("good:", "bad:")
      .replace(`code!~"5.."`, `outcome="error"`)
      .replace("duration: 28d", "duration: 4w");
    const [slo] = parseOpenSlo(text, "slos.yaml").slos;
    expect(slo.sli).toEqual({ kind: "ratio", good: "non-error" });
    expect(slo.window).toBe("28d");
  });

  it("a thresholdMetric with lte on a _seconds metric is a latency SLI in ms over a calendar month", () => {
    const [slo] = parseOpenSlo(THRESHOLD, "slos.yaml").slos;
    expect(slo).toMatchObject({
      id: "checkout-latency",
      sli: { kind: "latency", thresholdMs: 300 },
      target: 0.999,
      window: "calendar-month",
    });
  });

  it("the unit annotation decides when the query does not say", () => {
    const text = THRESHOLD.replace("http_request_duration_seconds_bucket", "latency_bucket")
      .replace("  name: checkout-latency\n", "  name: checkout-latency\n  annotations:\n    war-room/threshold-unit: ms\n")
      .replace("value: 0.3", "value: 250");
    expect(parseOpenSlo(text, "slos.yaml").slos[0].sli).toEqual({ kind: "latency", thresholdMs: 250 });
  });

  it("reads every document of a multi-document file", () => {
    const text = `---\n${RATIO}---\n${THRESHOLD}---\n`;
    expect(parseOpenSlo(text, "slos.yaml").slos.map((s) => s.id)).toEqual(["checkout-availability", "checkout-latency"]);
  });
});

describe("parseOpenSlo: rejected documents", () => {
  it("Timeslices budgeting is refused with path, reason and line", () => {
    const p = problemsOf(RATIO.replace("budgetingMethod: Occurrences", "budgetingMethod: Timeslices"));
    expect(p).toEqual([
      {
        path: "[0].spec.budgetingMethod",
        message: 'budgetingMethod "Timeslices" is not supported: only Occurrences (War Room counts good and total events) (line 28)',
      },
    ]);
    expect(problemsOf(RATIO.replace("budgetingMethod: Occurrences", "budgetingMethod: RatioTimeslices"))[0].path).toBe(
      "[0].spec.budgetingMethod",
    );
  });

  it("kind: SLI and an indicatorRef are refused with 'inline the indicator'", () => {
    const sli = `apiVersion: openslo/v1\nkind: SLI\nmetadata:\n  name: checkout-non-5xx\nspec:\n  ratioMetric: {}\n`;
    expect(problemsOf(sli)).toEqual([
      { path: "[0].kind", message: expect.stringMatching(/^kind "SLI" is not supported: indicatorRef not supported, inline the indicator/) },
    ]);
    const ref = RATIO.replace(/ {2}indicator:\n[\s\S]*? {2}timeWindow:/, "  indicatorRef: checkout-non-5xx\n  timeWindow:");
    expect(problemsOf(ref)).toEqual([
      { path: "[0].spec.indicatorRef", message: "indicatorRef not supported, inline the indicator in spec.indicator (line 9)" },
    ]);
  });

  it("other kinds and API versions are refused", () => {
    expect(problemsOf(`apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: checkout\nspec: {}\n`)[0].message).toMatch(
      /^kind "Service" is not supported/,
    );
    expect(problemsOf(RATIO.replace("openslo/v1", "openslo/v1alpha"))[0].message).toMatch(/apiVersion "openslo\/v1alpha" is not supported/);
  });

  it("unsupported durations, non-UTC calendars and mid-month starts are refused", () => {
    expect(problemsOf(RATIO.replace("duration: 28d", "duration: 14d"))[0]).toMatchObject({
      path: "[0].spec.timeWindow[0].duration",
      message: expect.stringContaining('rolling window "14d" is not supported: use 7d, 28d or 30d'),
    });
    expect(problemsOf(THRESHOLD.replace("timeZone: UTC", "timeZone: Europe/Berlin"))[0]).toMatchObject({
      path: "[0].spec.timeWindow[0].calendar.timeZone",
      message: expect.stringContaining('timeZone "Europe/Berlin" is not supported'),
    });
    expect(problemsOf(THRESHOLD.replace("duration: 1M", "duration: 1Q"))[0].path).toBe("[0].spec.timeWindow[0].duration");
    expect(problemsOf(THRESHOLD.replace("2024-01-01 00:00:00", "2024-01-15 00:00:00"))[0].path).toBe(
      "[0].spec.timeWindow[0].calendar.startTime",
    );
  });

  it("several objectives are refused, naming them", () => {
    const text = RATIO.replace("      target: 0.999\n", "      target: 0.999\n    - displayName: Stretch\n      target: 0.9999\n");
    expect(problemsOf(text)).toEqual([
      {
        path: "[0].spec.objectives",
        message: expect.stringContaining('2 objectives ("Availability", "Stretch"): only one objective per SLO is supported'),
      },
    ]);
  });

  it("missing fields are each reported", () => {
    const text = `apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: bare\nspec:\n  service: checkout\n`;
    expect(problemsOf(text).map((p) => p.path)).toEqual([
      "[0].spec.budgetingMethod",
      "[0].spec.timeWindow",
      "[0].spec.objectives",
      "[0].spec.indicator",
    ]);
  });

  it("target 99.9 in target (not targetPercent), gt thresholds and unknown units are refused", () => {
    expect(problemsOf(RATIO.replace("target: 0.999", "target: 99.9"))[0]).toMatchObject({
      path: "[0].spec.objectives[0].target",
      message: expect.stringContaining("target is a fraction: write 0.999 for 99.9%"),
    });
    expect(problemsOf(THRESHOLD.replace("op: lte", "op: gt"))[0].path).toBe("[0].spec.objectives[0].op");
    const noUnit = THRESHOLD.replace("http_request_duration_seconds_bucket", "latency_bucket");
    expect(problemsOf(noUnit)[0]).toMatchObject({
      path: "[0].spec.objectives[0].value",
      message: expect.stringContaining("war-room/threshold-unit"),
    });
  });

  it("alertPolicies and unknown fields are refused, not ignored", () => {
    const text = RATIO.replace("  budgetingMethod:", "  alertPolicies:\n    - kind: AlertPolicyRef\n  budgetingMethod:");
    expect(problemsOf(text)[0]).toMatchObject({ path: "[0].spec.alertPolicies" });
    expect(problemsOf(RATIO.replace("  budgetingMethod:", "  budgetMethod: x\n  budgetingMethod:"))[0]).toMatchObject({
      path: "[0].spec.budgetMethod",
      message: expect.stringContaining('unknown field "budgetMethod"'),
    });
  });

  it("names that cannot be SLO ids, and duplicates across documents, are refused", () => {
    expect(problemsOf(RATIO.replace("name: checkout-availability", "name: Checkout.Availability"))[0].path).toBe("[0].metadata.name");
    expect(problemsOf(`${RATIO}---\n${RATIO}`)).toEqual([
      { path: "[1].metadata.name", message: expect.stringContaining('duplicate SLO name "checkout-availability"') },
    ]);
  });

  it("one bad document fails the file, naming the document; YAML errors and empty files too", () => {
    const p = problemsOf(`${RATIO}---\n${THRESHOLD.replace("op: lte", "op: gte")}`);
    expect(p.map((x) => x.path)).toEqual(["[1].spec.objectives[0].op"]);
    expect(problemsOf("a: [1, 2\n")[0].path).toMatch(/^line \d+, column \d+$/);
    expect(problemsOf("")).toEqual([{ path: "(file)", message: "no OpenSLO documents found" }]);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]"];
    expect(problemsOf(bomb.join("\n"))[0]).toMatchObject({ path: "[0]", message: expect.stringMatching(/alias/i) });
  });
});

describe("loadOpenSloFile", () => {
  it("reads a file, and reports an unreadable one as a document error", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "openslo-"));
    const file = path.join(dir, "slos.yaml");
    writeFileSync(file, RATIO);
    expect(loadOpenSloFile(file).slos).toHaveLength(1);
    const missing = path.join(dir, "missing.yaml");
    expect(() => loadOpenSloFile(missing)).toThrow(SloDocumentError);
    try {
      loadOpenSloFile(missing);
    } catch (err) {
      expect((err as SloDocumentError).problems).toEqual([{ path: "(file)", message: "cannot read: ENOENT" }]);
    }
  });
});
