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
