/** Postmortem shapes as the browser receives them (lib/postmortems/contract.ts, docs/api.md). */
import type { z } from "zod";
import type { CreatePostmortemSchema, ImpactReport, InvalidTemplateInfo, PostmortemDocument, PostmortemSaved, PostmortemStatus, TemplateInfo } from "@/lib/postmortems/contract";

export type { ImpactReport, PostmortemSaved, PostmortemStatus, TemplateInfo };

/** A postmortem as the API carries it, `impact` typed. */
export type Postmortem = PostmortemDocument;

export type InvalidTemplate = InvalidTemplateInfo;

export type TimelineChoice = z.output<typeof CreatePostmortemSchema>["timeline"];

export const STATUS_LABEL: Record<PostmortemStatus, string> = { draft: "Draft", "in-review": "In review", published: "Published" };
