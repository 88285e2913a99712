import { sql, type Transaction } from "kysely";
import { Conflict } from "../errors";
import type { Database } from "../store/schema";
import type { Store } from "../store/store";
import type { Incident } from "./model";
import { getIncident } from "./repo";

/** The newest open incident declared from this alert, if any (a second declare from it is refused). */
export async function openIncidentOfAlert(store: Store, alertId: string): Promise<Incident | null> {
  const row = await store.db
    .selectFrom("incident_alerts")
    .innerJoin("incidents", "incidents.id", "incident_alerts.incident_id")
    .select("incident_alerts.incident_id")
    .where("incident_alerts.alert_id", "=", alertId)
    .where("incidents.status", "not in", ["resolved", "closed"])
    .orderBy("incident_alerts.linked_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? getIncident(store, row.incident_id) : null;
}

/**
 * Inside the declaring transaction: refuses when an open incident already holds the alert, so two
 * people pressing Declare on one alert at once get one incident (PostgreSQL: an advisory lock per
 * alert orders them; SQLite has one writer).
 */
export async function refuseIfAttached(trx: Transaction<Database>, store: Store, alert: { id: string; name: string; service: string }): Promise<void> {
  if (store.dialect === "postgres") await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.war-room-alert.' || ${alert.id}))`.execute(trx);
  const row = await trx
    .selectFrom("incident_alerts")
    .innerJoin("incidents", "incidents.id", "incident_alerts.incident_id")
    .select(["incidents.id", "incidents.number", "incidents.title"])
    .where("incident_alerts.alert_id", "=", alert.id)
    .where("incidents.status", "not in", ["resolved", "closed"])
    .limit(1)
    .executeTakeFirst();
  if (row) {
    throw new Conflict(`alert ${alert.name} on ${alert.service} is already attached to the open INC-${row.number}; open it instead`, { code: "alert_attached", incident: { id: row.id, number: Number(row.number), title: row.title } });
  }
}
