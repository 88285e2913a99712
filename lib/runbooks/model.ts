import { z } from "zod";
import { SEVERITIES } from "../severity";
import type { Runbook, RunbookSummary } from "./contract";

export type { ChecklistItem, InvalidRunbook, Runbook, RunbookSummary, SearchHit, TocEntry } from "./contract";

/**
 * Runbooks (contract in docs/runbooks-contract.md): markdown files with YAML front
 * matter in a folder tree. The slug is the path without `.md`.
 */

export const MAX_RUNBOOK_BYTES = 1 << 20;
/** Reviewed longer ago than this (or never) and the runbook is shown as stale. */
export const STALE_AFTER_DAYS = 90;

const isoDate = z
  .union([z.string(), z.date()])
  .transform((v, ctx) => {
    const s = v instanceof Date ? v.toISOString().slice(0, 10) : v.trim();
    const ms = Date.parse(`${s}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== s) {
      ctx.addIssue({ code: "custom", message: `must be a date as YYYY-MM-DD, got "${s}"` });
      return z.NEVER;
    }
    return s;
  });

const names = (what: string) => z.array(z.string().trim().min(1, `${what} must not be empty`).max(200)).max(100).default([]);

export const FrontMatterSchema = z
  .object({
    title: z.string({ error: "title is required (a string)" }).trim().min(1, "title must not be empty").max(200),
    services: names("a service id"),
    alerts: names("an alert name"),
    severity: z.enum(SEVERITIES, { error: "severity must be one of SEV1, SEV2, SEV3, SEV4" }).nullable().default(null),
    owner: z.string().trim().max(200).nullable().default(null),
    last_reviewed: isoDate.nullable().default(null),
    tags: names("a tag"),
  })
  .loose();
export type FrontMatter = z.output<typeof FrontMatterSchema>;

/** A runbook as held in memory: everything but `stale` (which moves with the clock) plus the plain text that search indexes. */
export type ParsedRunbook = Omit<Runbook, "stale"> & { text: string };

export function isStale(lastReviewed: string | null, now: number): boolean {
  if (lastReviewed === null) return true;
  return now - Date.parse(`${lastReviewed}T00:00:00Z`) > STALE_AFTER_DAYS * 86_400_000;
}

export function summaryOf(rb: ParsedRunbook, now: number): RunbookSummary {
  return {
    slug: rb.slug,
    title: rb.title,
    services: rb.services,
    alerts: rb.alerts,
    severity: rb.severity,
    owner: rb.owner,
    lastReviewed: rb.lastReviewed,
    stale: isStale(rb.lastReviewed, now),
    tags: rb.tags,
    steps: rb.steps,
  };
}

export function runbookOf(rb: ParsedRunbook, now: number): Runbook {
  return { ...summaryOf(rb, now), markdown: rb.markdown, toc: rb.toc, checklist: rb.checklist };
}
