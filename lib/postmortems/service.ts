import { Conflict, Invalid, NotFound } from "../errors";
import type { SloConfig } from "../slo/schema";
import type { SignalMinute } from "../signals/rollup";
import type { SliRow } from "../slo/repo";
import { listSliCounts } from "../slo/repo";
import { listSignalMinutes } from "../signals/repo";
import { commitIncidentIn, listActionItems, listEntries } from "../incidents/repo";
import { getPostmortem, insertPostmortem, updatePostmortem, type Postmortem, type PostmortemStatus } from "./repo";
import { CreatePostmortemSchema, MAX_POSTMORTEM_CHARS, PatchPostmortemSchema, POSTMORTEM_STATUSES } from "./contract";
import { parseInput, requireIncident, writeTime, type IncidentCtx, type Writer } from "../incidents/context";
import { applyChanges } from "../incidents/lifecycle";
import { staleIncident, systemEntries } from "../incidents/service";
import { isOpen, type Incident, type TimelineEntry } from "../incidents/model";
import { bucketRange, computeImpact, incidentWindow, sloBudgetRange, type ImpactReport, type SecondSeries } from "./impact";
import { findTemplate, type PostmortemTemplate } from "./templates";
import { PostmortemError, renderDraftOrThrow } from "./render";
import { sectionsWithPromptText, withStatusLine } from "./placeholder-text";

export type { Postmortem, PostmortemStatus };
export { CreatePostmortemSchema, MAX_POSTMORTEM_CHARS, PatchPostmortemSchema, POSTMORTEM_STATUSES };

/** What the postmortem verbs need besides the incident context. */
export type PostmortemCtx = {
  incidents: IncidentCtx;
  slos: readonly SloConfig[];
  serviceNames: Readonly<Record<string, string>>;
  /** Built-in plus the team templates loaded from the configured folder. */
  templates(): readonly PostmortemTemplate[];
  /** Team template files that failed validation, so asking for one says why. */
  invalidTemplates(): readonly { file: string; errors: readonly { message: string }[] }[];
  /** Minute rows still open in memory (not yet stored), so a draft right after resolving is complete. */
  openMinutes(services: readonly string[]): SignalMinute[];
  openSliRows(sloIds: readonly string[]): SliRow[];
  /** Second-resolution history of these services over [from, to), where it is still held or can be derived. */
  seconds?(services: readonly string[], from: number, to: number): SecondSeries[];
  /** Told after each committed write (live `postmortem` event on the incident channel). */
  changed?(p: Postmortem): void;
};

/** Review flow: draft ⇄ in review → published. Published is final (the incident is closed). */
const NEXT_STATUS: Record<PostmortemStatus, readonly PostmortemStatus[]> = {
  draft: ["draft", "in-review", "published"],
  "in-review": ["draft", "in-review", "published"],
  published: ["published"],
};

/** Impact over the incident window from the stored rollups plus what is still open in memory. */
export async function impactOf(pm: PostmortemCtx, incident: Incident): Promise<ImpactReport> {
  const { store, clock } = pm.incidents;
  const window = incidentWindow(incident, clock.now());
  const range = bucketRange(window);
  const slos = pm.slos.filter((s) => incident.services.includes(s.service));
  const minutes = mergeRows(await listSignalMinutes(store, incident.services, range.from, range.to), pm.openMinutes(incident.services), (r) => `${r.service}@${r.start}`);
  const sliRows: SliRow[] = [];
  for (const slo of slos) {
    const r = sloBudgetRange(slo, window);
    sliRows.push(...(await listSliCounts(store, slo.id, r.from, r.to)));
  }
  const all = mergeRows(sliRows, pm.openSliRows(slos.map((s) => s.id)), (r) => `${r.sloId}@${r.start}`);
  const seconds = pm.seconds?.(incident.services, window.from, window.to) ?? [];
  return computeImpact({ window, services: incident.services, minutes, slos, sliRows: all, seconds });
}

/** Rows by key; a memory row replaces a stored one of the same key (it is newer and whole so far). */
function mergeRows<T>(stored: readonly T[], memory: readonly T[], key: (r: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const r of stored) byKey.set(key(r), r);
  for (const r of memory) byKey.set(key(r), r);
  return [...byKey.values()];
}

function requireTemplate(pm: PostmortemCtx, name: string): PostmortemTemplate {
  const team = pm.templates().filter((t) => !t.builtIn);
  const found = findTemplate(name, team);
  if (!found.ok) {
    const bad = pm.invalidTemplates().find((t) => t.file.replace(/^.*[\\/]/, "").replace(/\.md$/, "") === name);
    if (bad) throw new Invalid(`postmortem template "${name}" is invalid: ${bad.errors.map((e) => e.message).join("; ")}`, { code: "invalid_template", file: bad.file, errors: bad.errors });
    throw new PostmortemError(found.error);
  }
  return found.template;
}

/**
 * Drafts the postmortem of an incident from a template in one action: the Markdown with every
 * placeholder filled, and the impact numbers it was computed from. One per incident (409 after).
 */
export async function createPostmortem({ pm, incidentId, input, writer }: { pm: PostmortemCtx; incidentId: string; input: unknown; writer: Writer }): Promise<Postmortem> {
  const data = parseInput(CreatePostmortemSchema, input ?? {}, "postmortem");
  const incident = await requireIncident(pm.incidents, incidentId);
  const template = requireTemplate(pm, data.template);
  if (await getPostmortem(pm.incidents.store, incidentId)) throw new Conflict(`INC-${incident.number} already has a postmortem; open it instead`);
  const [timeline, actionItems] = await Promise.all([listEntries(pm.incidents.store, incidentId), listActionItems(pm.incidents.store, incidentId)]);
  const impact = await impactOf(pm, incident);
  const now = pm.incidents.clock.now();
  const body = renderDraftOrThrow(template, {
    incident,
    timeline,
    actionItems,
    impact,
    slos: pm.slos,
    serviceNames: pm.serviceNames,
    now,
    pinnedOnly: data.timeline === "pinned",
  });
  if (body.length > MAX_POSTMORTEM_CHARS) throw new Invalid(`the drafted postmortem is ${body.length} characters (limit ${MAX_POSTMORTEM_CHARS}); draft with timeline "pinned" instead of "all"`);
  const p: Postmortem = { incidentId, template: template.name, status: "draft", body, impact, version: 1, createdAt: now, createdBy: writer.author, updatedAt: now, updatedBy: writer.author, publishedAt: null };
  if (!(await insertPostmortem(pm.incidents.store, p))) throw new Conflict(`INC-${incident.number} already has a postmortem; open it instead`);
  pm.changed?.(p);
  return p;
}

export async function readPostmortem({ pm, incidentId }: { pm: PostmortemCtx; incidentId: string }): Promise<Postmortem> {
  const incident = await requireIncident(pm.incidents, incidentId);
  const p = await getPostmortem(pm.incidents.store, incidentId);
  if (!p) throw new NotFound(`INC-${incident.number} has no postmortem yet; create one with POST /api/v1/incidents/${incidentId}/postmortem`);
  return p;
}

function stalePostmortem(current: Postmortem): Conflict {
  return new Conflict(`the postmortem was saved by ${current.updatedBy} meanwhile (now version ${current.version}); compare both versions and save again`, { current });
}

/**
 * Saves an edit and/or a review-state change, compare-and-set on `version`: a stale version is a
 * 409 whose details carry the current postmortem, so nobody overwrites anybody silently.
 * Publishing closes the resolved incident in the same transaction.
 */
export async function patchPostmortem({ pm, incidentId, input, writer }: { pm: PostmortemCtx; incidentId: string; input: unknown; writer: Writer }): Promise<{ postmortem: Postmortem; incident: Incident | null }> {
  const data = parseInput(PatchPostmortemSchema, input, "postmortem change");
  const current = await readPostmortem({ pm, incidentId });
  if (current.version !== data.version) throw stalePostmortem(current);
  const status = data.status ?? current.status;
  if (!NEXT_STATUS[current.status].includes(status)) throw new Conflict(`a ${current.status} postmortem cannot go back to ${status}`);
  if (current.status === "published" && data.body !== undefined && data.body !== current.body) throw new Conflict("the postmortem is published and read-only");
  // Saving what is already stored changes nothing (no new version, no new author).
  if (status === current.status && (data.body === undefined || data.body === current.body)) return { postmortem: current, incident: null };
  const now = pm.incidents.clock.now();
  const publishing = status === "published" && current.status !== "published";
  const body = data.body ?? current.body;
  const next: Postmortem = {
    ...current,
    // Publishing closes the incident: the drafted status line says so too, as the page's header does.
    body: publishing ? withStatusLine(body, "closed") : body,
    status,
    version: current.version + 1,
    updatedAt: now,
    updatedBy: writer.author,
    publishedAt: publishing ? now : current.publishedAt,
  };
  let closed: Incident | null = null;
  let closeEntries: TimelineEntry[] = [];
  let incident: Incident | null = null;
  // The close is a timeline write: its time follows the incident's write clock (lib/incidents/context.ts).
  let closeNow = now;
  if (publishing) {
    [incident, closeNow] = await Promise.all([requireIncident(pm.incidents, incidentId), writeTime(pm.incidents, incidentId)]);
    if (isOpen(incident)) throw new Conflict(`INC-${incident.number} is ${incident.status}; resolve it before publishing its postmortem`);
    if (data.confirm !== true) refuseUnwrittenSections(pm, current.template, body);
  }
  const saved = await updatePostmortem(pm.incidents.store, current.version, next, async (trx) => {
    if (!incident || incident.status === "closed") return;
    const { next: closedIncident, entries, at } = applyChanges(incident, { status: "closed" }, closeNow);
    const drafts = systemEntries(pm.incidents, incident, entries.map((e) => (e.kind === "status-change" ? { ...e, body: `${e.body} (postmortem published)` } : e)), at, closeNow, writer.author);
    const committed = await commitIncidentIn(trx, { expectedVersion: incident.version, next: closedIncident, entries: drafts, now: closeNow });
    if (!committed) throw staleIncident(incident);
    closed = committed.incident;
    closeEntries = committed.entries;
  });
  if (!saved) throw stalePostmortem((await getPostmortem(pm.incidents.store, incidentId))!);
  pm.changed?.(saved);
  if (closed) {
    pm.incidents.events?.incident(closed);
    for (const e of closeEntries) pm.incidents.events?.entry(e);
  }
  return { postmortem: saved, incident: closed };
}

/** A 409 naming the sections that still hold the template's prompt text (publish again with `confirm: true`). */
function refuseUnwrittenSections(pm: PostmortemCtx, templateName: string, body: string): void {
  const template = pm.templates().find((t) => t.name === templateName);
  const sections = template ? sectionsWithPromptText(body, template) : [];
  if (sections.length === 0) return;
  const list = sections.map((s) => `"${s}"`).join(", ");
  throw new Conflict(`${sections.length === 1 ? "a section still holds" : `${sections.length} sections still hold`} the template's prompt text: ${list}; write them, or publish anyway with confirm: true`, {
    code: "placeholder_text",
    sections,
  });
}

/** The Markdown export, with a file name for the download. */
export async function exportPostmortem({ pm, incidentId }: { pm: PostmortemCtx; incidentId: string }): Promise<{ filename: string; markdown: string }> {
  const incident = await requireIncident(pm.incidents, incidentId);
  const p = await readPostmortem({ pm, incidentId });
  const slug = incident.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "incident";
  return { filename: `INC-${incident.number}-${slug}-postmortem.md`, markdown: p.body.endsWith("\n") ? p.body : `${p.body}\n` };
}
