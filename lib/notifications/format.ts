import type { NotificationEvent } from "./events";

/** The CloudEvents `source` of every event this war room sends. */
export const CLOUDEVENT_SOURCE = "/war-room";

const TITLES: Record<NotificationEvent["type"], string> = {
  "incident.declared": "Incident declared",
  "incident.severity_changed": "Severity changed",
  "incident.status_changed": "Status changed",
  "incident.resolved": "Incident resolved",
  "status_update.published": "Status update",
  "alert.firing": "Page-tier alert firing",
  "gameday.verdict": "Game-day verdict",
  "subscription.confirm": "Confirm your status updates subscription",
};

export function headline(e: NotificationEvent): string {
  const inc = e.incident;
  if (inc) return `${TITLES[e.type]}: INC-${inc.number} ${inc.title}`;
  // A subscriber's e-mail carries no incident, only the public name in its summary (lib/comms/subscriptions.ts).
  return e.type === "status_update.published" ? `${TITLES[e.type]}: ${e.summary}` : TITLES[e.type];
}

/** Facts shown in every chat message, in order. */
function facts(e: NotificationEvent): { title: string; value: string }[] {
  const out: { title: string; value: string }[] = [];
  if (e.incident) {
    out.push({ title: "Severity", value: e.incident.severity }, { title: "Status", value: e.incident.status });
    if (e.incident.services.length) out.push({ title: "Services", value: e.incident.services.join(", ") });
    if (e.incident.drill) out.push({ title: "Drill", value: "yes" });
  }
  if (e.alert) out.push({ title: "Service", value: e.alert.service }, { title: "Tier", value: String(e.alert.tier) });
  if (e.verdict) out.push({ title: "Outcome", value: e.verdict.outcome });
  return out;
}

function detail(e: NotificationEvent): string {
  if (e.update) return `${e.update.status}: ${e.update.body}`;
  if (e.alert) return e.alert.summary;
  if (e.verdict) return e.verdict.detail;
  return e.summary;
}

/** Slack mrkdwn is not HTML, but `<`, `>` and `&` start links and mentions: escaped as Slack asks. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A Slack incoming-webhook message in Block Kit, with `text` as the notification fallback. */
export function slackMessage(e: NotificationEvent) {
  const blocks: unknown[] = [
    { type: "header", text: { type: "plain_text", text: headline(e).slice(0, 150) } },
    { type: "section", text: { type: "mrkdwn", text: slackEscape(detail(e)).slice(0, 3000) } },
  ];
  const f = facts(e);
  if (f.length) blocks.push({ type: "section", fields: f.map((x) => ({ type: "mrkdwn", text: `*${x.title}*\n${slackEscape(x.value)}` })) });
  if (e.url) blocks.push({ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in War Room" }, url: e.url }] });
  return { text: slackEscape(`${headline(e)} — ${detail(e)}`).slice(0, 3000), blocks };
}

/** A Teams workflow/incoming-webhook message carrying one Adaptive Card (schema 1.4). */
export function teamsMessage(e: NotificationEvent) {
  const card = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      { type: "TextBlock", text: headline(e), weight: "Bolder", size: "Medium", wrap: true },
      { type: "TextBlock", text: detail(e), wrap: true },
      { type: "FactSet", facts: facts(e) },
    ],
    ...(e.url ? { actions: [{ type: "Action.OpenUrl", title: "Open in War Room", url: e.url }] } : {}),
  };
  return { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] };
}

/** A CloudEvents 1.0 structured-mode JSON envelope (https://github.com/cloudevents/spec, json-format.md). */
export function cloudEvent(e: NotificationEvent) {
  const { channels: _channels, ...data } = e;
  return {
    specversion: "1.0",
    id: e.id,
    source: CLOUDEVENT_SOURCE,
    type: `io.warroom.${e.type}`,
    time: new Date(e.occurredAt).toISOString(),
    datacontenttype: "application/json",
    ...(e.incident ? { subject: `incidents/${e.incident.id}` } : {}),
    data,
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** An e-mail: a plain-text part and an HTML part where every value is escaped (an update's `<script>` stays text). */
export function emailMessage(e: NotificationEvent) {
  // A subscriber's e-mail says only what the public page says: no internal facts.
  const f = e.to ? [] : facts(e);
  const actions = e.actions ?? [];
  const text = [headline(e), "", detail(e), "", ...f.map((x) => `${x.title}: ${x.value}`), ...(e.url ? ["", e.url] : []), ...actions.flatMap((a) => ["", `${a.label}: ${a.url}`])].join("\n");
  const html = [
    `<h2>${escapeHtml(headline(e))}</h2>`,
    `<p>${escapeHtml(detail(e))}</p>`,
    f.length ? `<table>${f.map((x) => `<tr><th align="left">${escapeHtml(x.title)}</th><td>${escapeHtml(x.value)}</td></tr>`).join("")}</table>` : "",
    e.url ? `<p><a href="${escapeHtml(e.url)}">Open in War Room</a></p>` : "",
    ...actions.map((a) => `<p><a href="${escapeHtml(a.url)}">${escapeHtml(a.label)}</a></p>`),
  ].join("\n");
  return { subject: headline(e).replace(/[\r\n]+/g, " ").slice(0, 200), text, html };
}
