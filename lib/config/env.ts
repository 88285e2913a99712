import { z } from "zod";
import { parseTrustedProxies, TrustedProxies } from "./trusted-proxies";

/** Environment read once, validated, typed (CONVENTIONS.md). */
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  WAR_ROOM_CONFIG: z.string().min(1).optional(),
  WAR_ROOM_DATA_DIR: z.string().min(1).default("./data"),
  /** Runbook folder; wins over the config file's `runbooks`. */
  WAR_ROOM_RUNBOOKS_DIR: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** With DATABASE_URL: several instances share live channels through this Redis and elect a leader (docs/operations.md). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Namespace of this war room's Redis keys (several war rooms may share one Redis). */
  WAR_ROOM_CLUSTER_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "letters, digits and _ . : - (at most 64)").default("warroom"),
  /** This instance's name in /health, logs and the leader lease; default random. */
  WAR_ROOM_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "letters, digits and _ . - (at most 64)").optional(),
  /** Load balancers whose X-Forwarded-For is believed: comma-separated IPs or CIDRs; empty trusts none (lib/server/client-address.ts). */
  WAR_ROOM_TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((spec, ctx): TrustedProxies => {
      try {
        return parseTrustedProxies(spec);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    }),
  PROMETHEUS_URL: z.string().optional(),
  /** When set, Alertmanager must send `Authorization: Bearer <secret>` (webhook_configs http_config.authorization). */
  ALERTMANAGER_WEBHOOK_SECRET: z.string().min(8, "must be at least 8 characters").optional(),
  /** auth.mode oidc: the client secret registered with the identity provider. */
  WAR_ROOM_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Key (≥ 32 characters) that seals the short-lived sign-in cookie; default: generated once and kept in the store. */
  WAR_ROOM_SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** Load shedding (lib/server/shed.ts, docs/operations.md): 503 once the event-loop delay, kept over the last four 20 ms timer firings, passes this many ms; 0 turns it off. */
  WAR_ROOM_SHED_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(100),
  /** Load shedding: 503 for a request that waited longer than this many ms for one of the request slots. */
  WAR_ROOM_SHED_QUEUE_MS: z.coerce.number().int().min(1).max(60_000).default(500),
  /** Requests (API, sign-in, pages) served at once; the others wait in order, up to WAR_ROOM_SHED_QUEUE_MS. */
  WAR_ROOM_MAX_CONCURRENT_REQUESTS: z.coerce.number().int().min(1).max(100_000).default(64),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Version control commit shown on /health; set by the deployment. */
  WAR_ROOM_COMMIT: z.string().optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const r = EnvSchema.safeParse(source);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join("\n")}`);
  }
  return r.data;
}
