import { z } from "zod";
import type { HttpApi } from "./http";
import type { Store } from "../store/store";
import { parseOrInvalid } from "../errors";
import { DeliverySchema } from "../notifications/events";
import { listDeliveries } from "../notifications/repo";

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
