import { Suspense } from "react";
import type { Metadata } from "next";
import { IncidentList } from "@/components/incidents/IncidentList";

export const metadata: Metadata = { title: "Incidents" };

export default function IncidentsPage() {
  return (
    <Suspense fallback={<main className="px-6 py-16 text-center text-muted">Loading incidents…</main>}>
      <IncidentList />
    </Suspense>
  );
}
