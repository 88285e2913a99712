import { z } from "zod";
import { ThresholdsSchema } from "../signals/types";
import { SloListSchema, unknownServiceProblems } from "../slo/schema";
import { AlertRulesSchema, unknownAlertServiceProblems } from "../alerts/schema";
import { AlertmanagerConfigSchema } from "../alerts/alertmanager";
import { SimulationSchema } from "../simulator/config";
import { PrometheusSectionSchema, ServiceSourceSchema, SourceSchema, sourceProblems } from "../sources/config";
import { RemoteWriteConfigSchema } from "../ingest/remote-write/config";
import { AuthConfigSchema } from "../auth/config";
import { NotificationsConfigSchema } from "../notifications/config";
import { StatusPageConfigSchema, statusPageProblems, subscriptionProblems } from "../comms/config";

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lower-case letters, digits and dashes (max 63), starting with a letter or digit");

export const ServiceSchema = z
  .object({
    id,
    name: z.string().min(1).max(100).optional(),
    description: z.string().max(500).optional(),
    team: z.string().max(100).optional(),
    /** Services this one calls; used by the dependency-outage drill. */
    dependsOn: z.array(id).max(50).default([]),
    thresholds: ThresholdsSchema.default({}),
    /** What feeds this service (default: the global `source`); lib/sources/config.ts. */
    source: ServiceSourceSchema.optional(),
    simulation: SimulationSchema.default(SimulationSchema.parse({})),
  })
  .strict();
export type ServiceConfig = z.output<typeof ServiceSchema>;

export const ConfigSchema = z
  .object({
    title: z.string().min(1).max(100).default("War Room"),
    /** Seconds between board updates. */
    tickSeconds: z.number().int().min(1).max(60).default(1),
    /** Thresholds applied to every service unless the service overrides the signal. */
    defaults: z
      .object({ thresholds: ThresholdsSchema.default({}) })
      .strict()
      .default({ thresholds: {} }),
    /** The default source of every service: simulator, prometheus, push or none (each service may name its own). */
    source: SourceSchema.default({ kind: "simulator", seed: 1 }),
    /** Prometheus settings for services with `source: prometheus` when the global source is another one. */
    prometheus: PrometheusSectionSchema.optional(),
    services: z.array(ServiceSchema).min(1, "at least one service is required").max(5000),
    /** Service level objectives (README "Configuration", docs/api.md SLOs). */
    slos: SloListSchema.default([]),
    /** OpenSLO v1 files (paths relative to the config file) whose `kind: SLO` documents are added to `slos`. */
    openslo: z.array(z.string().min(1).max(1000)).max(100).default([]),
    /** Threshold alert rules in tiers (1 page, 2 urgent ticket, 3 ticket). */
    alerts: AlertRulesSchema.default([]),
    /** Folder of runbook markdown files (docs/runbooks-contract.md); relative to the config file. Default ./runbooks in the working directory. */
    runbooks: z.string().min(1).max(1000).optional(),
    /** Folder of team postmortem templates (Markdown with {{placeholders}}); relative to the config file. Default ./postmortem-templates. */
    postmortemTemplates: z.string().min(1).max(1000).optional(),
    /** Folder of game-day plans (Markdown with front matter, lib/gamedays/plan.ts); relative to the config file. Default ./gamedays. */
    gamedays: z.string().min(1).max(1000).optional(),
    /** Alertmanager webhook receiver (POST /api/v1/integrations/alertmanager); the shared secret comes from ALERTMANAGER_WEBHOOK_SECRET. */
    integrations: z
      .object({ alertmanager: AlertmanagerConfigSchema.prefault({}), remoteWrite: RemoteWriteConfigSchema.prefault({}) })
      .strict()
      .prefault({}),
    auth: AuthConfigSchema.prefault({}),
    /** Notifications out (lib/notifications/config.ts): channels (secrets named by env variable), rules, delivery. */
    notifications: NotificationsConfigSchema.prefault({}),
    /** Status updates and the public status page (lib/comms/config.ts). */
    statusPage: StatusPageConfigSchema.prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.services.forEach((s, i) => {
      const first = seen.get(s.id);
      if (first !== undefined) {
        ctx.addIssue({ code: "custom", path: ["services", i, "id"], message: `duplicate service id "${s.id}" (also services[${first}])` });
      } else seen.set(s.id, i);
    });
    cfg.services.forEach((s, i) => {
      s.dependsOn.forEach((dep, j) => {
        if (!seen.has(dep)) {
          ctx.addIssue({ code: "custom", path: ["services", i, "dependsOn", j], message: `unknown service "${dep}"` });
        } else if (dep === s.id) {
          ctx.addIssue({ code: "custom", path: ["services", i, "dependsOn", j], message: "a service cannot depend on itself" });
        }
      });
    });
    for (const p of sourceProblems(cfg)) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
    const ids = new Set(seen.keys());
    for (const p of [...statusPageProblems(cfg.statusPage, ids), ...subscriptionProblems(cfg.statusPage, cfg.notifications.channels, cfg.notifications.linkBase)]) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
    for (const p of [...unknownServiceProblems(cfg.slos, ids), ...unknownAlertServiceProblems(cfg.alerts, ids)]) {
      ctx.addIssue({ code: "custom", path: pathOf(p.path), message: p.message });
    }
  });

export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

/** "slos[2].service" → ["slos", 2, "service"], so config problems print uniformly. */
function pathOf(path: string): (string | number)[] {
  return path.split(/\.|\[(\d+)\]/).filter((x) => x !== undefined && x !== "").map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}
