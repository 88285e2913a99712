import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseDocument } from "yaml";
import { ConfigSchema, type Config } from "./schema";
import { PrometheusConfigSchema, prometheusSettings, servicesBySource } from "../sources/config";
import { resolveAuth } from "../sources/prometheus/auth";
import { demoConfig } from "./demo";
import { formatPath } from "../errors";
import { mergeThresholds } from "../signals/state";
import { loadOpenSloFile } from "../slo/openslo-file";
import { SloDocumentError } from "../slo/openslo";
import { resolveChannels } from "../notifications/config";

export type ConfigProblem = { path: string; message: string };

/** A config file that cannot be used: every problem, each with its path and reason. */
export class ConfigError extends Error {
  readonly file: string;
  readonly problems: ConfigProblem[];
  constructor(file: string, problems: ConfigProblem[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n")}`);
    this.name = "ConfigError";
    this.file = file;
    this.problems = problems;
  }
}

/** Parse and validate YAML text. Throws ConfigError listing every problem. */
export function parseConfig(text: string, file = "<config>"): Config {
  // JSON is YAML too; JSON.parse reads a generated 5,000-service estate ~50× faster than the YAML parser.
  if (text.trimStart().startsWith("{")) {
    const json = parseJson(text);
    if (json !== undefined) return validateConfig(json, file);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "(yaml)",
        message: e.message.split("\n")[0],
      })),
    );
  }
  return validateConfig(doc.toJS({ maxAliasCount: 100 }), file);
}

export function validateConfig(raw: unknown, file = "<config>"): Config {
  const r = ConfigSchema.safeParse(raw);
  if (!r.success) {
    const problems = r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
    // zod skips cross-reference checks while anything else is wrong; list those problems too.
    const seen = new Set(problems.map((p) => `${p.path}\n${p.message}`));
    for (const p of unknownReferences(raw)) if (!seen.has(`${p.path}\n${p.message}`)) problems.push(p);
    throw new ConfigError(file, problems);
  }
  return r.data;
}

type Raw = { services?: unknown; slos?: unknown; alerts?: unknown };

/** Service ids named by SLOs and alert rules that no service has (best effort on unparsed input). */
function unknownReferences(raw: unknown): ConfigProblem[] {
  if (!raw || typeof raw !== "object") return [];
  const { services, slos, alerts } = raw as Raw;
  const list = (v: unknown) => (Array.isArray(v) ? (v as unknown[]) : []);
  const field = (v: unknown, k: string) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined);
  const ids = new Set(list(services).map((s) => field(s, "id")).filter((id): id is string => typeof id === "string"));
  const problems: ConfigProblem[] = [];
  for (const [key, items] of [["slos", list(slos)], ["alerts", list(alerts)]] as const) {
    items.forEach((item, i) => {
      const svc = field(item, "service");
      if (typeof svc === "string" && !ids.has(svc)) problems.push({ path: `${key}[${i}].service`, message: `unknown service "${svc}"` });
    });
  }
  return problems;
}

/** The value of JSON text, or undefined when it is not JSON (the YAML parser then reports the problems). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The config from `path`, or the built-in demo when no path is given. */
export function loadConfig(path: string | undefined): Config {
  if (!path) return validateConfig(demoConfig, "<built-in demo config>");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(path, [{ path: "(file)", message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }]);
  }
  return withRunbooksDir(withOpenSlo(parseConfig(text, path), path), path);
}

/** The runbook folder is written relative to the config file; the composition root (lib/server/root.ts) gets it absolute. */
function withRunbooksDir(config: Config, file: string): Config {
  const withRunbooks = config.runbooks === undefined ? config : { ...config, runbooks: resolve(dirname(file), config.runbooks) };
  const withTemplates = withRunbooks.postmortemTemplates === undefined ? withRunbooks : { ...withRunbooks, postmortemTemplates: resolve(dirname(file), withRunbooks.postmortemTemplates) };
  return withTemplates.gamedays === undefined ? withTemplates : { ...withTemplates, gamedays: resolve(dirname(file), withTemplates.gamedays) };
}

/** The runbook folder to serve: WAR_ROOM_RUNBOOKS_DIR, else the config's `runbooks`, else ./runbooks. */
export function runbooksDirOf(config: Config, envDir: string | undefined, cwd = process.cwd()): string {
  return resolve(cwd, envDir ?? config.runbooks ?? "runbooks");
}

/** The team postmortem template folder: the config's `postmortemTemplates`, else ./postmortem-templates. */
export function postmortemTemplatesDirOf(config: Config, cwd = process.cwd()): string {
  return resolve(cwd, config.postmortemTemplates ?? "postmortem-templates");
}

/** The game-day plan folder: the config's `gamedays`, else ./gamedays. */
export function gamedaysDirOf(config: Config, cwd = process.cwd()): string {
  return resolve(cwd, config.gamedays ?? "gamedays");
}

/** Adds the SLOs of the OpenSLO files the config names; their problems are the config's problems. */
function withOpenSlo(config: Config, file: string): Config {
  if (config.openslo.length === 0) return config;
  const problems: ConfigProblem[] = [];
  const slos = [...config.slos];
  const ids = new Set(slos.map((s) => s.id));
  const services = new Set(config.services.map((s) => s.id));
  config.openslo.forEach((rel, i) => {
    const path = resolve(dirname(file), rel);
    try {
      for (const slo of loadOpenSloFile(path).slos) {
        if (ids.has(slo.id)) problems.push({ path: `openslo[${i}] (${rel})`, message: `SLO id "${slo.id}" is defined twice` });
        else if (!services.has(slo.service)) problems.push({ path: `openslo[${i}] (${rel})`, message: `SLO "${slo.id}": unknown service "${slo.service}"` });
        else {
          ids.add(slo.id);
          slos.push(slo);
        }
      }
    } catch (err) {
      if (!(err instanceof SloDocumentError)) throw err;
      for (const p of err.problems) problems.push({ path: `openslo[${i}] (${rel}) ${p.path}`, message: p.message });
    }
  });
  if (problems.length > 0) throw new ConfigError(file, problems);
  return { ...config, slos };
}

/** Thresholds a service is judged by: its own, falling back to the defaults signal by signal. */
export function effectiveThresholds(config: Config, serviceId: string) {
  const svc = config.services.find((s) => s.id === serviceId);
  return mergeThresholds(config.defaults.thresholds, svc?.thresholds ?? {});
}

/**
 * Deployment settings from the environment that belong in the config: PROMETHEUS_URL sets the url
 * of the Prometheus settings (the global `source` when it is Prometheus, else the `prometheus:`
 * section; a simulator-only config without either switches its source to Prometheus, as before).
 * Then the Prometheus settings in use must have a url, and their credential and TLS files and
 * variables must be readable (lib/sources/prometheus/auth.ts): every problem with path and reason.
 */
export function withEnvOverrides(config: Config, env: { PROMETHEUS_URL?: string }, secretsEnv: Record<string, string | undefined> = process.env): Config {
  let out = config;
  if (env.PROMETHEUS_URL) {
    const viaSection = config.source.kind !== "prometheus" && (config.prometheus !== undefined || config.source.kind !== "simulator");
    const base = config.source.kind === "prometheus" ? config.source : (config.prometheus ?? {});
    const r = PrometheusConfigSchema.safeParse({ ...base, kind: "prometheus", url: env.PROMETHEUS_URL });
    if (!r.success) throw new ConfigError("environment", [{ path: "PROMETHEUS_URL", message: r.error.issues[0]?.message ?? "invalid" }]);
    if (viaSection) {
      const { kind: _kind, ...section } = r.data;
      out = { ...config, prometheus: section };
    } else out = { ...config, source: r.data };
  }
  // Notification channels name their secrets by environment variable: each must be set (lib/notifications/config.ts).
  const channelProblems = resolveChannels(out.notifications, secretsEnv).problems;
  if (channelProblems.length > 0) throw new ConfigError("config", channelProblems);
  const prom = prometheusSettings(out);
  const used = out.source.kind === "prometheus" || servicesBySource(out).prometheus.length > 0;
  if (prom && used) {
    const at = out.source.kind === "prometheus" ? "source" : "prometheus";
    const problems: ConfigProblem[] = [];
    if (!prom.url) problems.push({ path: `${at}.url`, message: "the Prometheus source needs a url here or in PROMETHEUS_URL" });
    problems.push(...resolveAuth(prom, at, secretsEnv).problems);
    if (problems.length > 0) throw new ConfigError("config", problems);
  }
  return out;
}
