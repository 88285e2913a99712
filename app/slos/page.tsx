import type { Metadata } from "next";
import { SloBoard } from "@/components/slo/SloBoard";

export const metadata: Metadata = { title: "SLOs" };

// Budgets are live: the page is a static shell, data comes over /ws (burn-down history over HTTP).
export default function SlosPage() {
  return <SloBoard />;
}
