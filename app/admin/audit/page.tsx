import { Suspense } from "react";
import type { Metadata } from "next";
import { AuditPage } from "@/components/admin/AuditPage";

export const metadata: Metadata = { title: "Audit log" };

export default function AdminAuditPage() {
  return (
    <Suspense fallback={<main className="px-6 py-16 text-center text-muted">Loading…</main>}>
      <AuditPage />
    </Suspense>
  );
}
