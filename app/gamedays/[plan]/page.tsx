import type { Metadata } from "next";
import { PlanPage } from "@/components/gamedays/PlanPage";

export const metadata: Metadata = { title: "Game day" };

export default async function GameDayPlanPage({ params }: { params: Promise<{ plan: string }> }) {
  const { plan } = await params;
  return (
    <main className="mx-auto max-w-[120rem] px-6 py-5">
      <PlanPage slug={plan} />
    </main>
  );
}
