import { z } from "zod";
import type { HttpApi } from "./http";
import type { StatusPage, PublicComponent } from "../comms/status-page";
import { OverrideInputSchema, UPTIME_DAYS } from "../comms/status-page";
import { COMPONENT_STATES } from "../comms/components";
import { SubscribeSchema, TokenSchema, confirmSubscription, subscribe, unsubscribe, type SubscriptionCtx } from "../comms/subscriptions";
import { atomFeed, component, incident, overall, page, type PageInfo } from "../comms/statuspage-format";

/** The public page's answers may be cached briefly by a CDN in front of it; they hold nothing internal. */
const PUBLIC_CACHE = { "cache-control": "public, max-age=15" };
const DocSchema = z.record(z.string(), z.unknown());

export type StatusRoutesCtx = { page: StatusPage; info: () => Omit<PageInfo, "updatedAt">; subscriptions: SubscriptionCtx };

/**
 * The public status page's API (no sign-in; lib/server/policy.ts marks these public): Statuspage-
 * compatible v2 JSON, the uptime bars and an Atom feed. Only what lib/comms/status-page.ts makes
 * public leaves here: components, and non-drill incidents' published updates.
 */
export function addStatusRoutes(api: HttpApi, ctx: StatusRoutesCtx): void {
  const info = (components: readonly PublicComponent[], updatedAt: number[]): PageInfo => ({ ...ctx.info(), updatedAt: Math.max(0, ...components.map((c) => c.since), ...updatedAt) });

  api.add("GET", "/api/v2/summary.json", async () => {
    const [components, open] = await Promise.all([ctx.page.components(), ctx.page.incidents({ unresolvedOnly: true })]);
    const p = info(components, open.map((i) => i.updatedAt));
    return {
      headers: PUBLIC_CACHE,
      body: { page: page(p), status: overall(components, open), components: components.map((c, i) => component(c, i + 1, p)), incidents: open.map((i) => incident(i, p)), scheduled_maintenances: [] },
    };
  }, { summary: "Status page summary in Statuspage's v2 shape (public)", response: DocSchema });

  api.add("GET", "/api/v2/status.json", async () => {
    const [components, open] = await Promise.all([ctx.page.components(), ctx.page.incidents({ unresolvedOnly: true })]);
    return { headers: PUBLIC_CACHE, body: { page: page(info(components, open.map((i) => i.updatedAt))), status: overall(components, open) } };
  }, { summary: "The page's overall indicator in Statuspage's v2 shape (public)", response: DocSchema });

  api.add("GET", "/api/v2/components.json", async () => {
    const components = await ctx.page.components();
    const p = info(components, []);
    return { headers: PUBLIC_CACHE, body: { page: page(p), components: components.map((c, i) => component(c, i + 1, p)) } };
  }, { summary: "Status page components in Statuspage's v2 shape (public)", response: DocSchema });

  api.add("GET", "/api/v2/incidents.json", async () => {
    const [components, all] = await Promise.all([ctx.page.components(), ctx.page.incidents()]);
    const p = info(components, all.map((i) => i.updatedAt));
    return { headers: PUBLIC_CACHE, body: { page: page(p), incidents: all.map((i) => incident(i, p)) } };
  }, { summary: "The 50 most recent public incidents with their updates, Statuspage's v2 shape (public; drills never)", response: DocSchema });

  api.add("GET", "/api/v2/uptime.json", async () => {
    const uptime = await ctx.page.uptime();
    return { headers: PUBLIC_CACHE, body: { days: UPTIME_DAYS, components: ctx.page.defs.map((d) => ({ id: d.id, name: d.name, days: uptime.get(d.id) ?? [] })) } };
  }, {
    summary: `Daily availability (good requests / requests) per component for ${UPTIME_DAYS} days, from the stored minute rollups (public)`,
    response: z.object({ days: z.number(), components: z.array(z.object({ id: z.string(), name: z.string(), days: z.array(z.object({ day: z.number(), availability: z.number().nullable() })) })) }),
  });

  api.add("GET", "/api/v2/history.atom", async () => {
    const [components, all] = await Promise.all([ctx.page.components(), ctx.page.incidents()]);
    return { text: atomFeed(info(components, all.map((i) => i.updatedAt)), all), headers: { ...PUBLIC_CACHE, "content-type": "application/atom+xml; charset=utf-8" } };
  }, { summary: "Public incidents as an Atom feed (public)", produces: "application/atom+xml" });

  const done = (status: string) => z.object({ status: z.literal(status) });
  api.add("GET", "/api/v2/subscriptions", () => ({ headers: PUBLIC_CACHE, body: { enabled: Boolean(ctx.subscriptions.emailChannel) } }), {
    summary: "Whether the page takes e-mail subscriptions (public)",
    response: z.object({ enabled: z.boolean() }),
  });
  api.add("POST", "/api/v2/subscriptions", async ({ body }) => {
    await subscribe(ctx.subscriptions, await body());
    return { status: 202, body: { status: "confirmation_sent" } };
  }, {
    summary: "Subscribe an e-mail address: a confirmation link is e-mailed (double opt-in); the same answer whether or not it was subscribed (public)",
    body: SubscribeSchema,
    status: 202,
    response: done("confirmation_sent"),
    errors: { 400: "Not an e-mail address", 503: "Subscriptions are not enabled" },
  });
  api.add("POST", "/api/v2/subscriptions/confirm", async ({ body }) => {
    await confirmSubscription(ctx.subscriptions, await body());
    return { body: { status: "confirmed" } };
  }, { summary: "Confirm a subscription with the token from its e-mail (public)", body: TokenSchema, response: done("confirmed"), errors: { 400: "Malformed token", 404: "Unknown or used token" } });
  api.add("POST", "/api/v2/subscriptions/unsubscribe", async ({ body }) => {
    await unsubscribe(ctx.subscriptions, await body());
    return { body: { status: "unsubscribed" } };
  }, { summary: "Stop e-mail to the address the token (from any subscriber e-mail) belongs to (public)", body: TokenSchema, response: done("unsubscribed"), errors: { 400: "Malformed token", 404: "Unknown token" } });

  const override = z.object({ component: z.object({ id: z.string(), name: z.string(), state: z.enum(COMPONENT_STATES), since: z.number(), override: z.object({ note: z.string(), setAt: z.number() }).nullable() }) });
  api.add("PUT", "/api/v1/admin/status-components/:id", async ({ params, body, author }) => ({ body: { component: await ctx.page.setOverride(params.id, await body(), author) } }), {
    summary: "Set a status-page component's state by hand (wins over the derived state until cleared)",
    author: true,
    body: OverrideInputSchema,
    response: override,
    errors: { 400: "Invalid input", 404: "No such component" },
  });
  api.add("DELETE", "/api/v1/admin/status-components/:id", async ({ params }) => ({ body: { component: await ctx.page.clearOverride(params.id) } }), {
    summary: "Clear a component's manual state (back to the derived one)",
    response: override,
    errors: { 404: "No such component" },
  });
}
