import type { Metadata } from "next";
import { RunView } from "@/components/gamedays/RunView";

export const metadata: Metadata = { title: "Game day run" };

export default async function GameDayRunPage({ params }: { params: Promise<{ plan: string; run: string }> }) {
  const { plan, run } = await params;
  return (
    <main className="mx-auto max-w-[120rem] px-6 py-5">
      <RunView plan={plan} id={run} />
    </main>
  );
}
