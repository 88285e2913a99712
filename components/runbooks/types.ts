/** Runbook shapes as served by `/api/v1/runbooks` (lib/runbooks/contract.ts, docs/runbooks-contract.md). */
import type { RunbookStepState } from "@/lib/incidents/contract";

export type { ChecklistItem, InvalidRunbook, Runbook, RunbookSummary, SearchHit, TocEntry as TocItem } from "@/lib/runbooks/contract";

/** One step of a runbook with its tick state in an incident. */
export type { RunbookStepState as RunbookCheck } from "@/lib/incidents/contract";

/** A change of one step's tick state: a `runbook-check` event (RunbookCheckSchema) or our own optimistic tick (no name yet). */
export type RunbookCheckEvent = Omit<RunbookStepState, "text"> & { runbook: string };
