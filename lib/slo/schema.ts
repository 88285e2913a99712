import { z } from "zod";

/** Same rule as service ids in lib/config/schema.ts (not exported there). */
const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ID_MESSAGE = "must be lower-case letters, digits and dashes (max 63), starting with a letter or digit";
const id = z.string().regex(ID_PATTERN, ID_MESSAGE);

export const SLO_WINDOWS = ["7d", "28d", "30d", "calendar-month"] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

export const SloWindowSchema = z.enum(SLO_WINDOWS, {
  error: (iss) =>
    iss.input === undefined
      ? `window is required: one of ${SLO_WINDOWS.join(", ")}`
      : `unknown window ${JSON.stringify(iss.input)}: use one of ${SLO_WINDOWS.join(", ")}`,
});

/** Good events of a ratio SLI, as our sources count them per service. */
export const RATIO_GOOD = ["non-5xx", "non-error"] as const;
export type RatioGood = (typeof RATIO_GOOD)[number];

export const RatioSliSchema = z
  .object({
    kind: z.literal("ratio"),
    good: z.enum(RATIO_GOOD, {
      error: (iss) =>
        iss.input === undefined
          ? `a ratio SLI needs good: ${RATIO_GOOD.join(" or ")}`
          : `unknown good events ${JSON.stringify(iss.input)}: use ${RATIO_GOOD.join(" or ")}`,
    }),
  })
  .strict();

/** Share of requests faster than `thresholdMs` (no percentile: each request is good or bad). */
export const LatencySliSchema = z
  .object({
    kind: z.literal("latency"),
    thresholdMs: z
      .number({
        error: (iss) =>
          iss.input === undefined
            ? "a latency SLI needs thresholdMs: requests faster than this many milliseconds are good"
            : "thresholdMs must be a number of milliseconds",
      })
      .positive("thresholdMs must be above 0")
      .max(3_600_000, "thresholdMs must be at most one hour (3600000)"),
  })
  .strict();

export const SliSchema = z.discriminatedUnion("kind", [RatioSliSchema, LatencySliSchema], {
  error: (iss) => {
    const shape = "{ kind: ratio, good: non-5xx } or { kind: latency, thresholdMs: 300 }";
    if (iss.input === undefined) return `sli is required: ${shape}`;
    if (typeof iss.input !== "object" || iss.input === null) return `sli must be ${shape}`;
    if (iss.code === "invalid_union") {
      return `unknown SLI kind ${JSON.stringify((iss.input as { kind?: unknown }).kind)}: use ratio or latency`;
    }
    return undefined;
  },
});
export type Sli = z.output<typeof SliSchema>;

/** Message for a target that is not a fraction in (0, 1), or undefined when it is fine. */
export function targetProblem(target: number): string | undefined {
  if (!Number.isFinite(target)) return "target must be a finite number";
  if (target > 1 && target < 100) {
    const fraction = Number((target / 100).toPrecision(12));
    return `target is a fraction: write ${fraction} for ${target}%`;
  }
  if (target === 1) return "a target of 1 (100%) leaves no error budget: use a fraction below 1, e.g. 0.999";
  if (target <= 0 || target >= 1) return "target must be a fraction between 0 and 1 (exclusive), e.g. 0.999 for 99.9%";
  return undefined;
}

export const TargetSchema = z
  .number({ error: (iss) => (iss.input === undefined ? "target is required, e.g. 0.999 for 99.9%" : "target must be a number, e.g. 0.999") })
  .superRefine((t, ctx) => {
    const message = targetProblem(t);
    if (message) ctx.addIssue({ code: "custom", message });
  });

export const SloSchema = z
  .object({
    id,
    service: id,
    name: z.string().min(1).max(100).optional(),
    description: z.string().max(500).optional(),
    sli: SliSchema,
    target: TargetSchema,
    window: SloWindowSchema,
    alerting: z
      .object({ burnRate: z.boolean().default(true) })
      .strict()
      .default({ burnRate: true }),
  })
  .strict();

export type SloConfig = z.output<typeof SloSchema>;
export type SloConfigInput = z.input<typeof SloSchema>;

/** The `slos:` list of the config: ids are unique. */
export const SloListSchema = z.array(SloSchema).max(5000).superRefine((slos, ctx) => {
  const seen = new Map<string, number>();
  slos.forEach((s, i) => {
    const first = seen.get(s.id);
    if (first !== undefined) {
      ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate SLO id "${s.id}" (also slos[${first}])` });
    } else seen.set(s.id, i);
  });
});

export type SloProblem = { path: string; message: string };

/**
 * SLOs that name a service the config does not have. Meant for the config's superRefine,
 * which knows the service ids; `prefix` is where the list sits (e.g. "slos").
 */
export function unknownServiceProblems(
  slos: readonly Pick<SloConfig, "service">[],
  serviceIds: ReadonlySet<string>,
  prefix = "slos",
): SloProblem[] {
  const problems: SloProblem[] = [];
  slos.forEach((s, i) => {
    if (!serviceIds.has(s.service)) problems.push({ path: `${prefix}[${i}].service`, message: `unknown service "${s.service}"` });
  });
  return problems;
}
