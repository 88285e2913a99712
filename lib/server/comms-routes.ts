import { z } from "zod";
import type { HttpApi } from "./http";
import type { Store } from "../store/store";
import { parseOrInvalid } from "../errors";
import { DeliverySchema } from "../notifications/events";
import { listDeliveries } from "../notifications/repo";
import {
  CreateStatusUpdateSchema,
  StatusUpdateSchema,
  UPDATE_STATUSES,
  UPDATE_TEMPLATES,
  UpdateDueSchema,
  publishStatusUpdate,
  statusUpdatesOf,
  type StatusUpdateCtx,
} from "../comms/status-updates";

const DeliveryQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    state: z.enum(["pending", "sent", "rejected", "failed"]).optional(),
  })
  .strict();

const ChannelInfoSchema = z.object({ id: z.string(), kind: z.enum(["slack", "teams", "webhook", "email"]), name: z.string() });
export type ChannelInfo = z.infer<typeof ChannelInfoSchema>;

/** The notification delivery log for admins (docs/api.md "Notifications"): outcomes, never a channel URL or secret. */
export function addNotificationRoutes(api: HttpApi, ctx: { store: Store; notifications: { channels: readonly ChannelInfo[] } }): void {
  api.add("GET", "/api/v1/admin/notifications", async ({ query }) => {
    const q = parseOrInvalid(DeliveryQuerySchema, Object.fromEntries(query), "query parameters");
    return { body: { channels: ctx.notifications.channels, deliveries: await listDeliveries(ctx.store, q) } };
  }, {
    summary: "Notification channels and the delivery log, newest first (admins)",
    query: DeliveryQuerySchema,
    response: z.object({ channels: z.array(ChannelInfoSchema), deliveries: z.array(DeliverySchema) }),
    errors: { 400: "Bad query" },
  });
}

const updateBody = z.object({ update: StatusUpdateSchema });

/** Customer-facing status updates of an incident (separate from its timeline) and the "next update due" timer. */
export function addStatusUpdateRoutes(api: HttpApi, ctx: StatusUpdateCtx): void {
  api.add("GET", "/api/v1/incidents/:id/status-updates", async ({ params }) => ({
    body: { ...(await statusUpdatesOf(ctx, params.id)), templates: UPDATE_TEMPLATES, channels: ctx.channels },
  }), {
    summary: "The incident's status updates (newest first), when the next is due, the templates and the channels to publish to",
    response: z.object({
      updates: z.array(StatusUpdateSchema),
      due: UpdateDueSchema,
      templates: z.record(z.enum(UPDATE_STATUSES), z.string()),
      channels: z.array(ChannelInfoSchema),
    }),
    errors: { 404: "No such incident" },
  });

  api.add("POST", "/api/v1/incidents/:id/status-updates", async ({ params, body, author }) => ({
    status: 201,
    body: { update: await publishStatusUpdate({ ctx, incidentId: params.id, input: await body(), author }) },
  }), {
    summary: "Publish a customer-facing update to the status page and the chosen channels (committed with its notification before the 201)",
    author: true,
    body: CreateStatusUpdateSchema,
    status: 201,
    response: updateBody,
    errors: { 400: "Invalid input (nothing written)", 404: "No such incident", 413: "Body too large", 415: "Not JSON" },
  });
}
