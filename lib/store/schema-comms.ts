/** Tables of stakeholder communication (migration 0013_comms; lib/notifications, lib/comms). */

/** The outbox: one row per event to tell the world about, written with (or durably before acknowledging) the write it describes. */
export interface NotificationEventsTable {
  /** Stable per event (e.g. `tl-<timeline entry id>`): the idempotency key receivers see. */
  id: string;
  type: string;
  occurred_at: number;
  /** JSON of the event (lib/notifications/events.ts NotificationEvent). */
  payload: string;
  created_at: number;
}

/** One delivery of one event to one channel, claimed with a lease by the instance draining the outbox. */
export interface NotificationDeliveriesTable {
  id: string;
  event_id: string;
  channel: string;
  /** pending | sent | rejected (4xx, not retried) | failed (gave up after the retry bound) */
  state: string;
  attempts: number;
  next_at: number;
  lease_until: number;
  leased_by: string | null;
  last_status: number | null;
  last_error: string | null;
  sent_at: number | null;
  created_at: number;
}

/** A customer-facing status update of an incident (not a timeline entry). */
export interface StatusUpdatesTable {
  id: string;
  incident_id: string;
  /** investigating | identified | monitoring | resolved */
  status: string;
  body: string;
  /** JSON array of channel ids it was sent to. */
  channels: string;
  published_at: number;
  author: string;
  /** The incident's public name from this update on; null keeps the earlier one (lib/comms/status-page.ts). */
  title: string | null;
}

/** An admin's manual state for a status-page component (lib/comms/components.ts). */
export interface StatusOverridesTable {
  component: string;
  state: string;
  note: string;
  set_by: string;
  set_at: number;
}

/** A status-page e-mail subscriber: `pending` until the link in the confirmation e-mail is used. */
export interface StatusSubscribersTable {
  id: string;
  email: string;
  state: string;
  /** SHA-256 (hex) of the token in the confirmation link. */
  token_hash: string;
  /** The token of the unsubscribe link in every e-mail (it can only stop e-mail to this address). */
  unsubscribe_token: string;
  created_at: number;
  confirmed_at: number | null;
}
