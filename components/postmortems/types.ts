/** Postmortem shapes as the browser receives them (lib/postmortems/service.ts, docs/api.md). */
import type { Postmortem as StoredPostmortem, PostmortemStatus } from "@/lib/postmortems/repo";
import type { ImpactReport } from "@/lib/postmortems/impact";

export type { PostmortemStatus, ImpactReport };

/** The stored postmortem, with `impact` typed (the store keeps it as JSON). */
export type Postmortem = Omit<StoredPostmortem, "impact"> & { impact: ImpactReport | null };

/** One entry of `GET /api/v1/postmortem-templates`. */
export type TemplateInfo = {
  name: string;
  title: string;
  description: string;
  builtIn: boolean;
  placeholders: string[];
  /** Placeholders that need the incident's end time; empty when it can be drafted any time. */
  needsEndTime: string[];
};

export type InvalidTemplate = { file: string; errors: { message: string }[] };

export type TimelineChoice = "pinned" | "all";

/** The `postmortem` event on the `incident:<id>` channel: someone created or saved it. */
export type PostmortemSaved = { version: number; status: PostmortemStatus; updatedBy: string; updatedAt: number };

const STATUSES: readonly string[] = ["draft", "in-review", "published"];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

export function isPostmortem(v: unknown): v is Postmortem {
  return (
    isObject(v) &&
    typeof v.incidentId === "string" &&
    typeof v.body === "string" &&
    typeof v.version === "number" &&
    typeof v.status === "string" &&
    STATUSES.includes(v.status)
  );
}

export function isPostmortemSaved(v: unknown): v is PostmortemSaved {
  return isObject(v) && typeof v.version === "number" && typeof v.status === "string" && STATUSES.includes(v.status) && typeof v.updatedBy === "string";
}

export const STATUS_LABEL: Record<PostmortemStatus, string> = { draft: "Draft", "in-review": "In review", published: "Published" };
