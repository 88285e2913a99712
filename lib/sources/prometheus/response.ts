import { z } from "zod";
import { SourceError } from "./errors";

/** `[unix seconds, "value"]` as the HTTP API sends it. */
const SamplePair = z.tuple([z.number(), z.string()]);
const Labels = z.record(z.string(), z.string());

const VectorSeries = z.object({ metric: Labels, value: SamplePair.optional() }).loose();
const MatrixSeries = z.object({ metric: Labels, values: z.array(SamplePair).optional() }).loose();

const SuccessBody = z.object({
  status: z.literal("success"),
  data: z.discriminatedUnion("resultType", [
    z.object({ resultType: z.literal("vector"), result: z.array(VectorSeries) }),
    z.object({ resultType: z.literal("matrix"), result: z.array(MatrixSeries) }),
    z.object({ resultType: z.literal("scalar"), result: SamplePair }),
    z.object({ resultType: z.literal("string"), result: SamplePair }),
  ]),
  warnings: z.array(z.string()).optional(),
});

const ErrorBody = z.object({
  status: z.literal("error"),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

/** One series with its samples; `t` in epoch ms, `v` may be NaN or ±Infinity. */
export type Series = { metric: Record<string, string>; samples: { t: number; v: number }[] };
export type QueryResult = { resultType: "vector" | "matrix" | "scalar" | "string"; series: Series[]; warnings: string[] };

/**
 * A sample value string as a number. Prometheus sends `"NaN"`, `"+Inf"`, `"-Inf"` literally
 * (`Number("+Inf")` is NaN in JavaScript); anything else that is not a number is garbage.
 */
export function parseSampleValue(s: string): number {
  switch (s) {
    case "NaN":
      return NaN;
    case "+Inf":
    case "Inf":
      return Infinity;
    case "-Inf":
      return -Infinity;
  }
  const v = s.trim() === s && s !== "" ? Number(s) : NaN;
  if (!Number.isFinite(v)) throw new SourceError(`Prometheus sent a sample value that is not a number: ${JSON.stringify(s.slice(0, 40))}`, { transient: true });
  return v;
}

/** The error message a Prometheus error body carries, or undefined when `body` is not one. */
export function parseErrorBody(body: unknown): { errorType?: string; error?: string } | undefined {
  const r = ErrorBody.safeParse(body);
  return r.success ? r.data : undefined;
}

/**
 * A decoded success body as series; a body of any other shape is a (transient) SourceError.
 * Vector and matrix answers of the expected shape are read by hand (fastSuccess): at 5,000
 * services zod's walk over every series and sample was ~1.1 s of a start-up's CPU (BENCHMARKS.md
 * "Estate size"). Anything else, and every body the hand reader does not accept, goes through
 * the schema, which gives the same result and the precise error.
 */
export function parseSuccessBody(body: unknown): QueryResult {
  return fastSuccess(body) ?? parseSuccessBodyStrict(body);
}

/** parseSuccessBody by the schema alone (exported for the test that the two agree). */
export function parseSuccessBodyStrict(body: unknown): QueryResult {
  const r = SuccessBody.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue ? ` (${issue.path.join(".") || "body"}: ${issue.message})` : "";
    throw new SourceError(`Prometheus answered with an unexpected body${where}`, { transient: true });
  }
  const { data, warnings = [] } = r.data;
  const pair = (p: [number, string]) => ({ t: Math.round(p[0] * 1000), v: parseSampleValue(p[1]) });
  switch (data.resultType) {
    case "vector":
      return {
        resultType: "vector",
        warnings,
        // Native-histogram samples carry `histogram` instead of `value`; they have no single number.
        series: data.result.filter((s) => s.value).map((s) => ({ metric: s.metric, samples: [pair(s.value!)] })),
      };
    case "matrix":
      return { resultType: "matrix", warnings, series: data.result.map((s) => ({ metric: s.metric, samples: (s.values ?? []).map(pair) })) };
    case "scalar":
      return { resultType: "scalar", warnings, series: [{ metric: {}, samples: [pair(data.result)] }] };
    case "string":
      throw new SourceError("Prometheus answered with a string result; a query must return a vector, matrix or scalar");
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isPair = (p: unknown): p is [number, string] => Array.isArray(p) && p.length === 2 && typeof p[0] === "number" && Number.isFinite(p[0]) && typeof p[1] === "string";

function isLabels(x: unknown): x is Record<string, string> {
  if (!isRecord(x)) return false;
  for (const k in x) if (typeof x[k] !== "string") return false;
  return true;
}

/** A vector or matrix success body read without the schema, or null when it is anything else (the schema then decides). */
function fastSuccess(body: unknown): QueryResult | null {
  if (!isRecord(body) || body.status !== "success" || !isRecord(body.data)) return null;
  const { warnings } = body;
  if (warnings !== undefined && !(Array.isArray(warnings) && warnings.every((w) => typeof w === "string"))) return null;
  const { resultType, result } = body.data;
  if ((resultType !== "vector" && resultType !== "matrix") || !Array.isArray(result)) return null;
  const series: Series[] = [];
  try {
    for (const s of result as unknown[]) {
      if (!isRecord(s) || !isLabels(s.metric)) return null;
      if (resultType === "vector") {
        const v = s.value;
        if (v === undefined) continue; // a native-histogram sample
        if (!isPair(v)) return null;
        series.push({ metric: s.metric, samples: [{ t: Math.round(v[0] * 1000), v: parseSampleValue(v[1]) }] });
      } else {
        const vs = s.values;
        if (vs !== undefined && !Array.isArray(vs)) return null;
        const samples: Series["samples"] = [];
        for (const p of (vs ?? []) as unknown[]) {
          if (!isPair(p)) return null;
          samples.push({ t: Math.round(p[0] * 1000), v: parseSampleValue(p[1]) });
        }
        series.push({ metric: s.metric, samples });
      }
    }
  } catch {
    // A sample value that is not a number: the schema's reading says which error comes first.
    return null;
  }
  return { resultType, warnings: (warnings as string[] | undefined) ?? [], series };
}
