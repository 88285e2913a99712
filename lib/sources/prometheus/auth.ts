import { readFileSync } from "node:fs";
import type { SecretRef } from "./config";

type AuthSettings = {
  basicAuth?: { username: string; passwordFile?: string; passwordEnv?: string };
  bearerToken?: SecretRef;
  tls?: { caFile?: string; certFile?: string; keyFile?: string; serverName?: string; insecureSkipVerify: boolean };
  headers?: Record<string, string>;
};

/** What the client sends with: the Authorization header (if any), TLS material, and every secret value (to redact). */
export type ResolvedAuth = {
  authorization?: string;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; servername?: string; rejectUnauthorized: boolean };
  secrets: string[];
};

type Env = Record<string, string | undefined>;
type Problem = { path: string; message: string };

/**
 * Reads the credentials and TLS files the Prometheus settings name (`at` is the config path of
 * the settings, e.g. "source" or "prometheus"). Problems come back with path and reason and never
 * quote a secret; the config load (lib/config/load.ts) refuses to start with any.
 */
export function resolveAuth(cfg: AuthSettings, at: string, env: Env = process.env): { auth: ResolvedAuth; problems: Problem[] } {
  const problems: Problem[] = [];
  const secrets: string[] = [];
  const secret = (path: string, ref: SecretRef): string | undefined => {
    const v = ref.file !== undefined ? readText(ref.file, `${at}.${path}`, problems) : readEnv(ref.env!, `${at}.${path}`, env, problems);
    if (v !== undefined) secrets.push(v);
    return v;
  };
  let authorization: string | undefined;
  if (cfg.basicAuth && cfg.bearerToken) problems.push({ path: `${at}.bearerToken`, message: "basicAuth and bearerToken cannot both be set" });
  if (cfg.headers && Object.keys(cfg.headers).some((h) => h.toLowerCase() === "authorization") && (cfg.basicAuth || cfg.bearerToken)) {
    problems.push({ path: `${at}.headers`, message: "an Authorization header cannot be combined with basicAuth or bearerToken" });
  }
  if (cfg.basicAuth) {
    const b = cfg.basicAuth;
    if (b.username.includes(":")) problems.push({ path: `${at}.basicAuth.username`, message: "a basic-auth username cannot contain ':'" });
    const password = secret("basicAuth." + (b.passwordFile !== undefined ? "passwordFile" : "passwordEnv"), { file: b.passwordFile, env: b.passwordEnv });
    if (password !== undefined) {
      const token = Buffer.from(`${b.username}:${password}`).toString("base64");
      secrets.push(token);
      authorization = `Basic ${token}`;
    }
  } else if (cfg.bearerToken) {
    const token = secret("bearerToken", cfg.bearerToken);
    if (token !== undefined) authorization = `Bearer ${token}`;
  }
  for (const v of Object.values(cfg.headers ?? {})) if (v.length >= 8) secrets.push(v);
  const tls = cfg.tls;
  const file = (path: string, f: string | undefined) => (f === undefined ? undefined : readBytes(f, `${at}.tls.${path}`, problems));
  const auth: ResolvedAuth = {
    ...(authorization ? { authorization } : {}),
    tls: {
      ca: file("caFile", tls?.caFile),
      cert: file("certFile", tls?.certFile),
      key: file("keyFile", tls?.keyFile),
      ...(tls?.serverName ? { servername: tls.serverName } : {}),
      rejectUnauthorized: !(tls?.insecureSkipVerify ?? false),
    },
    secrets: secrets.filter((s) => s.length > 0),
  };
  return { auth, problems };
}

function readText(file: string, path: string, problems: Problem[]): string | undefined {
  const b = readBytes(file, path, problems);
  if (b === undefined) return undefined;
  const v = b.toString("utf8").replace(/\r?\n$/, "");
  if (v === "") problems.push({ path, message: `${file} is empty` });
  return v || undefined;
}

function readBytes(file: string, path: string, problems: Problem[]): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (err) {
    problems.push({ path, message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}` });
    return undefined;
  }
}

function readEnv(name: string, path: string, env: Env, problems: Problem[]): string | undefined {
  const v = env[name];
  if (v === undefined || v === "") problems.push({ path, message: `environment variable ${name} is not set` });
  return v || undefined;
}

/** `text` with every secret replaced by "<redacted>" (for error messages that might echo one back). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join("<redacted>");
  return out;
}
