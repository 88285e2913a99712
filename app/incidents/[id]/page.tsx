import { Suspense } from "react";
import type { Metadata } from "next";
import { IncidentView } from "@/components/incidents/IncidentView";

type Props = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: "Incident" };

export default async function IncidentPage({ params }: Props) {
  const { id } = await params;
  return (
    <Suspense fallback={<main className="px-6 py-16 text-center text-muted">Loading incident…</main>}>
      <IncidentView key={id} id={id} />
    </Suspense>
  );
}
