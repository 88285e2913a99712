import type { ComponentState } from "./components";
import type { PublicComponent, PublicIncident } from "./status-page";

/**
 * Statuspage's public API shapes (the v2 `summary.json`, `incidents.json`, `components.json`),
 * so tools that read a Statuspage page read this one (field list from Statuspage's public
 * "Status API" documentation). Times are ISO 8601.
 */
export type PageInfo = { id: string; name: string; url: string; updatedAt: number };

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function page(p: PageInfo) {
  return { id: p.id, name: p.name, url: p.url, time_zone: "Etc/UTC", updated_at: iso(p.updatedAt) };
}

const RANK: ComponentState[] = ["operational", "degraded_performance", "partial_outage", "major_outage"];
const INDICATOR = { operational: "none", degraded_performance: "minor", partial_outage: "major", major_outage: "critical" } as const;
const DESCRIPTION = { none: "All Systems Operational", minor: "Minor Service Outage", major: "Partial System Outage", critical: "Major Service Outage" } as const;
const IMPACT_RANK = ["none", "minor", "major", "critical"] as const;

/** The page's overall indicator: the worst component, or the worst unresolved incident's impact. */
export function overall(components: readonly PublicComponent[], open: readonly PublicIncident[]) {
  const worst = components.reduce<ComponentState>((w, c) => (RANK.indexOf(c.state) > RANK.indexOf(w) ? c.state : w), "operational");
  let indicator: (typeof IMPACT_RANK)[number] = INDICATOR[worst];
  for (const i of open) if (IMPACT_RANK.indexOf(i.impact) > IMPACT_RANK.indexOf(indicator)) indicator = i.impact;
  return { indicator, description: DESCRIPTION[indicator] };
}

export function component(c: PublicComponent, position: number, p: PageInfo) {
  return {
    id: c.id,
    name: c.name,
    status: c.state,
    created_at: iso(0),
    updated_at: iso(c.since),
    position,
    description: null,
    showcase: true,
    start_date: null,
    group_id: null,
    page_id: p.id,
    group: false,
    only_show_if_degraded: false,
  };
}

export function incident(i: PublicIncident, p: PageInfo) {
  const monitoring = i.updates.filter((u) => u.status === "monitoring").at(-1);
  return {
    id: i.id,
    name: i.name,
    status: i.status,
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
    monitoring_at: iso(monitoring?.at ?? null),
    resolved_at: iso(i.resolvedAt),
    impact: i.impact,
    shortlink: `${p.url}#incident-${i.id}`,
    started_at: iso(i.startedAt),
    page_id: p.id,
    incident_updates: i.updates.map((u) => ({
      id: u.id,
      status: u.status,
      body: u.body,
      incident_id: i.id,
      created_at: iso(u.at),
      updated_at: iso(u.at),
      display_at: iso(u.at),
      affected_components: null,
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    })),
    components: i.components,
  };
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** An Atom 1.0 feed (RFC 4287): one entry per public incident, its updates as text content. */
export function atomFeed(p: PageInfo, incidents: readonly PublicIncident[]): string {
  const entries = incidents.map((i) => {
    const content = i.updates.map((u) => `${new Date(u.at).toISOString()} ${u.status}: ${u.body}`).join("\n\n");
    return [
      "  <entry>",
      `    <id>urn:war-room:incident:${xmlEscape(i.id)}</id>`,
      `    <title>${xmlEscape(i.name)}</title>`,
      `    <updated>${new Date(i.updatedAt).toISOString()}</updated>`,
      `    <published>${new Date(i.createdAt).toISOString()}</published>`,
      `    <link rel="alternate" href="${xmlEscape(`${p.url}#incident-${i.id}`)}"/>`,
      `    <content type="text">${xmlEscape(content)}</content>`,
      "  </entry>",
    ].join("\n");
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>urn:war-room:status:${xmlEscape(p.id)}</id>`,
    `  <title>${xmlEscape(p.name)} status</title>`,
    `  <updated>${new Date(p.updatedAt).toISOString()}</updated>`,
    `  <link rel="alternate" href="${xmlEscape(p.url)}"/>`,
    ...entries,
    "</feed>",
    "",
  ].join("\n");
}
