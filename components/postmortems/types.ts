/** Postmortem shapes as the browser receives them (lib/postmortems/contract.ts, docs/api.md). */
import type { ImpactReport, PostmortemDocument, PostmortemSaved, PostmortemStatus, TemplateInfo } from "@/lib/postmortems/contract";

export type { ImpactReport, PostmortemSaved, PostmortemStatus, TemplateInfo };

/** A postmortem as the API carries it, `impact` typed. */
export type Postmortem = PostmortemDocument;

export type InvalidTemplate = { file: string; errors: { message: string }[] };

export type TimelineChoice = "pinned" | "all";

export const STATUS_LABEL: Record<PostmortemStatus, string> = { draft: "Draft", "in-review": "In review", published: "Published" };
