import { createServer, type IncomingHttpHeaders, type Server } from "node:http";

export type Received = { path: string; headers: IncomingHttpHeaders; body: string; json: unknown };
type Plan = { status: number } | { hang: true };

/**
 * A loopback HTTP server that plays Slack, Teams and webhook receivers: it records every request
 * and answers each path from a queue of planned answers (then 200). `hang` never answers.
 */
export async function startReceiver() {
  const received: Received[] = [];
  const plans = new Map<string, Plan[]>();
  const waiters: { pred: () => boolean; resolve: () => void }[] = [];
  const hanging = new Set<import("node:http").ServerResponse>();
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body, json });
      for (const w of [...waiters]) {
        if (!w.pred()) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const plan = plans.get(path)?.shift() ?? { status: 200 };
      if ("hang" in plan) return void hanging.add(res);
      res.writeHead(plan.status, { "content-type": "text/plain" }).end(plan.status < 300 ? "ok" : "no");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    base,
    received,
    at: (path: string) => received.filter((r) => r.path === path),
    plan: (path: string, ...answers: Plan[]) => plans.set(path, [...(plans.get(path) ?? []), ...answers]),
    /** Resolves once `pred` holds (checked at every request). */
    until: (pred: () => boolean) => (pred() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ pred, resolve }))),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
