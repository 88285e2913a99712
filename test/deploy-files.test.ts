import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { parseConfig } from "../lib/config/load";
import { readEnv } from "../lib/config/env";

/**
 * The files in deploy/ are what an operator copies (deploy/README.md): they must stay valid and
 * agree with the app they run (its config schema, environment, probes and shutdown timing).
 */
const root = join(import.meta.dirname, "..");
const read = (p: string) => readFileSync(join(root, p), "utf8");
const HAPROXY = "/usr/sbin/haproxy";
const SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";

/** The hard stop after SIGTERM in server.ts (`setTimeout(() => process.exit(0), 10_000)`), in seconds. */
function appHardStopSeconds(): number {
  const m = read("server.ts").match(/setTimeout\(\(\) => process\.exit\(0\), ([\d_]+)\)/);
  if (!m) throw new Error("server.ts: hard-stop timer not found");
  return Number(m[1].replaceAll("_", "")) / 1000;
}

type K8sDoc = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec: Record<string, unknown>; data?: Record<string, string> };

function k8sDocs(): K8sDoc[] {
  const dir = "deploy/kubernetes";
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
    .flatMap((f) =>
      parseAllDocuments(read(join(dir, f))).map((d) => {
        expect(d.errors, `${f}: ${d.errors.map((e) => e.message).join("; ")}`).toEqual([]);
        return d.toJS() as K8sDoc;
      }),
    );
}

const byKind = (kind: string) => k8sDocs().filter((d) => d.kind === kind);

describe("deploy/haproxy/haproxy.cfg", () => {
  it.skipIf(!existsSync(HAPROXY))("passes haproxy -c without a warning", () => {
    const r = spawnSync(HAPROXY, ["-c", "-f", join(root, "deploy/haproxy/haproxy.cfg")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/WARNING|ALERT/);
  });

  it("checks readiness actively and keeps no sticky sessions", () => {
    const cfg = read("deploy/haproxy/haproxy.cfg");
    expect(cfg).toMatch(/http-check send meth GET uri \/health\/ready/);
    expect(cfg).toMatch(/default-server check inter 1s fall 2 rise 2 on-marked-down shutdown-sessions/);
    expect(cfg).toMatch(/^\s*timeout tunnel /m);
    expect(cfg).toMatch(/^\s*option forwardfor/m);
    expect(cfg).not.toMatch(/^\s*(cookie|stick|stick-table|balance source|balance hdr)/m);
  });
});

describe("deploy/nginx/war-room.conf", () => {
  it("upgrades /ws and keeps no sticky sessions", () => {
    const conf = read("deploy/nginx/war-room.conf");
    expect(conf).toMatch(/location = \/ws \{[^}]*proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).not.toMatch(/^\s*(ip_hash|hash |sticky)/m);
    expect(conf).not.toMatch(/proxy_next_upstream[^;]*non_idempotent/);
  });

  it("sets Host and X-Forwarded-For in every proxying location (one proxy_set_header there drops the server's)", () => {
    const locations = read("deploy/nginx/war-room.conf").match(/location [^{]*\{[^}]*\}/g) ?? [];
    const proxying = locations.filter((l) => l.includes("proxy_pass"));
    expect(proxying.length).toBe(2);
    for (const l of proxying) {
      expect(l).toMatch(/proxy_set_header Host \$http_host;/);
      expect(l).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/);
    }
  });
});

describe("deploy/systemd", () => {
  it.skipIf(!existsSync(SYSTEMD_ANALYZE))("war-room.service passes systemd-analyze verify", () => {
    const r = spawnSync(SYSTEMD_ANALYZE, ["verify", join(root, "deploy/systemd/war-room.service")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.trim()).toBe("");
  });

  it("gives the server longer than its own hard stop before SIGKILL", () => {
    const m = read("deploy/systemd/war-room.service").match(/^TimeoutStopSec=(\d+)$/m);
    expect(Number(m?.[1])).toBeGreaterThan(appHardStopSeconds());
  });

  it("war-room.env.example is refused until the session secret is filled in, then accepted", () => {
    const vars: Record<string, string> = {};
    for (const line of read("deploy/systemd/war-room.env.example").split("\n")) {
      const m = line.match(/^([A-Z_]+)=(.*)$/);
      if (m) vars[m[1]] = m[2];
    }
    for (const name of ["DATABASE_URL", "REDIS_URL", "WAR_ROOM_SESSION_SECRET", "HOST", "PORT", "WAR_ROOM_CONFIG", "WAR_ROOM_CLUSTER_PREFIX"]) {
      expect(vars, name).toHaveProperty(name);
    }
    expect(() => readEnv(vars)).toThrow(/WAR_ROOM_SESSION_SECRET/);
    const env = readEnv({ ...vars, WAR_ROOM_SESSION_SECRET: "s".repeat(48) });
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(env.PORT).toBe(3000);
  });
});

describe("deploy/kubernetes", () => {
  it("every file parses and no Secret carries values", () => {
    const kinds = k8sDocs().map((d) => d.kind).sort();
    expect(kinds).toEqual(["ConfigMap", "Deployment", "Ingress", "Ingress", "PodDisruptionBudget", "Service"]);
  });

  it("the ConfigMap's war-room.yaml is a valid War Room config for several instances", () => {
    const [cm] = byKind("ConfigMap");
    const config = parseConfig(cm.data!["war-room.yaml"], "configmap.yaml");
    // Pods listen on 0.0.0.0, which auth.mode local refuses (lib/server/security.ts checkBind).
    expect(config.auth.mode).toBe("oidc");
    const [ingress] = byKind("Ingress");
    const host = (ingress.spec.rules as { host: string }[])[0].host;
    expect(config.auth.publicOrigins).toContain(`https://${host}`);
  });

  it("the Deployment rolls one pod at a time, probes the health routes and drains before SIGTERM", () => {
    const [dep] = byKind("Deployment");
    const spec = dep.spec as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a manifest, checked field by field
    expect(spec.replicas).toBe(3);
    expect(spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    const pod = spec.template.spec;
    const c = pod.containers[0];
    expect(c.readinessProbe.httpGet.path).toBe("/health/ready");
    expect(c.livenessProbe.httpGet.path).toBe("/health/live");
    expect(c.startupProbe.httpGet.path).toBe("/health/live");
    const preStopSeconds = Number(c.lifecycle.preStop.exec.command[1]);
    expect(preStopSeconds).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStopSeconds + appHardStopSeconds());
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(expect.arrayContaining(["/tmp", "/data"]));
    expect(pod.topologySpreadConstraints[0].topologyKey).toBe("kubernetes.io/hostname");

    const env = new Map<string, { value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>(
      c.env.map((e: { name: string }) => [e.name, e]),
    );
    for (const name of ["DATABASE_URL", "REDIS_URL", "WAR_ROOM_SESSION_SECRET", "WAR_ROOM_OIDC_CLIENT_SECRET"]) {
      expect(env.get(name)?.valueFrom?.secretKeyRef?.name, name).toBe("war-room");
      expect(env.get(name)?.value, name).toBeUndefined();
    }
    expect(env.get("HOST")?.value).toBe("0.0.0.0");
  });

  it("Service, PodDisruptionBudget and Ingress keep three pods serving without affinity", () => {
    const [svc] = byKind("Service");
    expect(svc.spec.sessionAffinity).toBe("None");
    const [pdb] = byKind("PodDisruptionBudget");
    expect(pdb.spec.minAvailable).toBe(2);
    const ingresses = byKind("Ingress");
    for (const ing of ingresses) expect(Object.keys(ing.metadata.annotations ?? {}).join(" ")).not.toMatch(/affinity|sticky/);
    const ws = ingresses.find((i) => JSON.stringify(i.spec).includes('"/ws"'));
    expect(Number(ws?.metadata.annotations?.["nginx.ingress.kubernetes.io/proxy-read-timeout"])).toBeGreaterThanOrEqual(3600);
  });
});
