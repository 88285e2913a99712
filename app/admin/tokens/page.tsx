import { Suspense } from "react";
import type { Metadata } from "next";
import { TokensPage } from "@/components/admin/TokensPage";

export const metadata: Metadata = { title: "API tokens" };

export default function AdminTokensPage() {
  return (
    <Suspense fallback={<main className="px-6 py-16 text-center text-muted">Loading…</main>}>
      <TokensPage />
    </Suspense>
  );
}
