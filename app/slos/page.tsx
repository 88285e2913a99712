import type { Metadata } from "next";
import { headers } from "next/headers";
import { SloBoard } from "@/components/slo/SloBoard";
import { slosForPage } from "@/lib/slo/page-feed";

export const metadata: Metadata = { title: "SLOs" };

// The page brings every SLO as the `slos` channel last told it (like app/page.tsx the board); live updates then resume from its position.
export default async function SlosPage() {
  const h = await headers();
  const initial = await slosForPage({ cookie: h.get("cookie") ?? undefined, authorization: h.get("authorization") ?? undefined });
  return <SloBoard initial={initial} />;
}
