import { z } from "zod";
import { SEVERITIES } from "../severity";
import { EVENT_TYPES } from "./config";

/** What an event says about its incident: only what may leave the war room (no timeline, roles or alerts). */
export const EventIncidentSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.string(),
  services: z.array(z.string()),
  drill: z.boolean(),
});

/** Events addressed to one status-page subscriber (lib/comms/subscriptions.ts); no rule selects them. */
export const SUBSCRIBER_EVENT_TYPES = ["subscription.confirm"] as const;

/** One event in the outbox, as stored and as the webhook's CloudEvent `data` carries it. */
export const NotificationEventSchema = z.object({
  id: z.string(),
  type: z.enum([...EVENT_TYPES, ...SUBSCRIBER_EVENT_TYPES]),
  occurredAt: z.number().int(),
  /** One line saying what happened ("Severity changed: SEV2 → SEV1"). */
  summary: z.string(),
  incident: EventIncidentSchema.optional(),
  /** status_update.published: the customer-facing update. */
  update: z.object({ id: z.string(), status: z.string(), body: z.string() }).optional(),
  /** alert.firing */
  alert: z.object({ name: z.string(), service: z.string(), tier: z.number().int(), summary: z.string(), drill: z.boolean().optional() }).optional(),
  /** gameday.verdict */
  verdict: z.object({ gameDay: z.string(), outcome: z.string(), detail: z.string() }).optional(),
  /** Link to the incident (or page) when `notifications.linkBase` is set. */
  url: z.string().optional(),
  /** status_update.published: only these channels (the comms lead's choice); otherwise the rules decide. */
  channels: z.array(z.string()).optional(),
  /** E-mail to these addresses instead of the channel's `to` (one subscriber). */
  to: z.array(z.string()).optional(),
  /** Links for the recipient: confirm a subscription; unsubscribe (in every subscriber e-mail). */
  actions: z.array(z.object({ label: z.string(), url: z.string() })).optional(),
});
export type NotificationEvent = z.infer<typeof NotificationEventSchema>;

export const DeliverySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  summary: z.string(),
  channel: z.string(),
  state: z.enum(["pending", "sent", "rejected", "failed"]),
  attempts: z.number().int(),
  nextAt: z.number().int().nullable(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  sentAt: z.number().int().nullable(),
  createdAt: z.number().int(),
});
export type Delivery = z.infer<typeof DeliverySchema>;
