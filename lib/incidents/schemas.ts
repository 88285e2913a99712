import { z } from "zod";
import { ITEM_PRIORITIES, ITEM_STATUSES, ITEM_TYPES, ROLE_INFO, ROLES, SEVERITIES, STATUSES, WRITABLE_KINDS } from "./model";

/** One zod schema per input (docs/incidents-contract.md); route handlers and the UI share them. */

export const MAX_BODY_CHARS = 10_000;

const oneOf = (name: string, values: readonly string[]) => ({ error: `${name} must be one of ${values.join(", ")}` });

const epochMs = (name: string) =>
  z
    .number({ error: `${name} must be a time in epoch milliseconds` })
    .int(`${name} must be whole milliseconds`)
    .min(0, `${name} must not be negative`)
    .max(8.64e15, `${name} is out of range`);

const version = z.number({ error: "version is required: send the version you last saw" }).int("version must be a whole number").min(1, "version starts at 1");

export const SeveritySchema = z.enum(SEVERITIES, oneOf("severity", SEVERITIES));
export const StatusSchema = z.enum(STATUSES, oneOf("status", STATUSES));
const serviceId = z.string({ error: "a service must be a service id" }).min(1, "a service id must not be empty").max(100, "a service id is at most 100 characters");
const title = (max: number) =>
  z.string({ error: "title must be text" }).trim().min(1, "title must not be empty").max(max, `title is longer than ${max} characters`);
const summary = z.string({ error: "summary must be text" }).max(2000, "summary is longer than 2000 characters");
const body = z
  .string({ error: "body must be text" })
  .max(MAX_BODY_CHARS, "body is longer than 10 000 characters")
  .refine((s) => s.trim().length > 0, "body must not be empty");
const person = z.string({ error: "a name must be text" }).trim().min(1, "a name must not be empty").max(100, "a name is at most 100 characters");

const RoleHolderSchema = z.object({ role: z.enum(ROLES, oneOf("role", ROLES)), name: person }).strict();
export const RolesSchema = z
  .array(RoleHolderSchema)
  .max(30, "at most 30 role assignments")
  .superRefine((roles, ctx) => {
    const seen = new Set<string>();
    roles.forEach((r, i) => {
      const key = ROLE_INFO[r.role].single ? r.role : `${r.role}\u0000${r.name}`;
      if (seen.has(key)) {
        const message = ROLE_INFO[r.role].single ? `${r.role} can be held by one person only` : `${r.name} is listed twice as ${r.role}`;
        ctx.addIssue({ code: "custom", path: [i], message });
      }
      seen.add(key);
    });
  });

/**
 * Declaring from an alert (`alertId`): title and services default to the alert's, `startedAt` to
 * its activeAt and `drill` to whether a drill caused it (lib/incidents/from-alert.ts).
 */
export const CreateIncidentSchema = z
  .object({
    title: title(200).optional(),
    severity: SeveritySchema,
    services: z
      .array(serviceId, { error: "services must be a list of service ids" })
      .min(1, "list at least one affected service")
      .max(50, "at most 50 services")
      .transform((s) => [...new Set(s)])
      .optional(),
    drill: z.boolean({ error: "drill must be true or false" }).optional(),
    summary: summary.default(""),
    startedAt: epochMs("startedAt").optional(),
    alertId: z.string({ error: "alertId must be an alert id" }).min(1, "alertId must not be empty").max(100, "alertId is at most 100 characters").optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.alertId !== undefined) return;
    if (o.title === undefined) ctx.addIssue({ code: "custom", path: ["title"], message: "title is required (or declare from an alert with alertId)" });
    if (o.services === undefined) ctx.addIssue({ code: "custom", path: ["services"], message: "list at least one affected service (or declare from an alert with alertId)" });
  });
export type CreateIncidentInput = z.input<typeof CreateIncidentSchema>;

const atLeastOne = (fields: readonly string[]) => (o: Record<string, unknown>) => fields.some((f) => o[f] !== undefined);

const INCIDENT_FIELDS = ["status", "severity", "title", "summary", "roles", "startedAt"] as const;
export const PatchIncidentSchema = z
  .object({
    version,
    status: StatusSchema.optional(),
    severity: SeveritySchema.optional(),
    title: title(200).optional(),
    summary: summary.optional(),
    roles: RolesSchema.optional(),
    /** When the impact started, corrected after the declaration (never after it was detected). */
    startedAt: epochMs("startedAt").optional(),
    /** Resolve a SEV1 although an alert of its services still fires (lib/incidents/service.ts). */
    confirm: z.boolean({ error: "confirm must be true or false" }).optional(),
  })
  .strict()
  .refine(atLeastOne(INCIDENT_FIELDS), `nothing to change: send at least one of ${INCIDENT_FIELDS.join(", ")}`);
export type PatchIncidentInput = z.input<typeof PatchIncidentSchema>;

export const CreateEntrySchema = z
  .object({
    kind: z.enum(WRITABLE_KINDS, oneOf("kind", WRITABLE_KINDS)),
    body,
    occurredAt: epochMs("occurredAt").optional(),
    pinned: z.boolean({ error: "pinned must be true or false" }).default(false),
  })
  .strict();
export type CreateEntryInput = z.input<typeof CreateEntrySchema>;

const ENTRY_FIELDS = ["body", "occurredAt", "pinned"] as const;
export const PatchEntrySchema = z
  .object({ version, body: body.optional(), occurredAt: epochMs("occurredAt").optional(), pinned: z.boolean({ error: "pinned must be true or false" }).optional() })
  .strict()
  .refine(atLeastOne(ENTRY_FIELDS), `nothing to change: send at least one of ${ENTRY_FIELDS.join(", ")}`);
export type PatchEntryInput = z.input<typeof PatchEntrySchema>;

const ticketUrl = z
  .url({ protocol: /^https?$/, error: "ticketUrl must be an http or https URL" })
  .max(2000, "ticketUrl is longer than 2000 characters")
  .nullable();
const owner = z.string({ error: "owner must be text" }).trim().max(100, "owner is at most 100 characters");
const priority = z.enum(ITEM_PRIORITIES, oneOf("priority", ITEM_PRIORITIES));
const itemType = z.enum(ITEM_TYPES, oneOf("type", ITEM_TYPES));

export const CreateActionItemSchema = z
  .object({
    title: title(300),
    owner: owner.default(""),
    dueAt: epochMs("dueAt").nullable().default(null),
    priority: priority.default("P3"),
    type: itemType,
    ticketUrl: ticketUrl.default(null),
  })
  .strict();
export type CreateActionItemInput = z.input<typeof CreateActionItemSchema>;

const ITEM_FIELDS = ["title", "owner", "dueAt", "priority", "type", "status", "ticketUrl"] as const;
export const PatchActionItemSchema = z
  .object({
    version,
    title: title(300).optional(),
    owner: owner.optional(),
    dueAt: epochMs("dueAt").nullable().optional(),
    priority: priority.optional(),
    type: itemType.optional(),
    status: z.enum(ITEM_STATUSES, oneOf("status", ITEM_STATUSES)).optional(),
    ticketUrl: ticketUrl.optional(),
  })
  .strict()
  .refine(atLeastOne(ITEM_FIELDS), `nothing to change: send at least one of ${ITEM_FIELDS.join(", ")}`);
export type PatchActionItemInput = z.input<typeof PatchActionItemSchema>;

const LIST_STATUSES = ["active", "resolved", "closed", "all"] as const;
/** Query of GET /api/v1/incidents (strings, as they arrive in the URL). */
export const ListIncidentsQuerySchema = z
  .object({
    status: z.enum(LIST_STATUSES, oneOf("status", LIST_STATUSES)).default("all"),
    severity: SeveritySchema.optional(),
    service: serviceId.optional(),
    drill: z.enum(["true", "false"], oneOf("drill", ["true", "false"])).transform((s) => s === "true").optional(),
    limit: z.coerce.number({ error: "limit must be a number" }).int("limit must be a whole number").min(1, "limit is at least 1").max(500, "limit is at most 500").default(100),
  })
  .strict();
export type ListIncidentsQuery = z.output<typeof ListIncidentsQuerySchema>;
