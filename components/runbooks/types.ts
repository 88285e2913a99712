/** Runbook shapes as served by `/api/v1/runbooks` (docs/runbooks-contract.md). */
export type RunbookSummary = {
  slug: string;
  title: string;
  services: string[];
  alerts: string[];
  severity: string | null;
  owner: string | null;
  lastReviewed: string | null;
  stale: boolean;
  tags: string[];
  steps: number;
};

export type TocItem = { depth: number; text: string; id: string };
export type ChecklistItem = { index: number; text: string };

export type Runbook = RunbookSummary & { markdown: string; toc: TocItem[]; checklist: ChecklistItem[] };

export type InvalidRunbook = { path: string; reason: string };

export type SearchHit = RunbookSummary & { score: number; match: { field: string; terms: string[] }[]; snippet: string };

export type RunbookCheck = { index: number; text: string; checked: boolean; by: string | null; at: number | null };

export type RunbookCheckEvent = { runbook: string; index: number; checked: boolean; by: string | null; at: number | null };
