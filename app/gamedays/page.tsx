import type { Metadata } from "next";
import { PlanList } from "@/components/gamedays/PlanList";

export const metadata: Metadata = { title: "Game days" };

export default function GameDaysPage() {
  return (
    <main className="mx-auto max-w-[120rem] px-6 py-5">
      <PlanList />
    </main>
  );
}
