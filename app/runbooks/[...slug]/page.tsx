import { Suspense } from "react";
import type { Metadata } from "next";
import { RunbookView } from "@/components/runbooks/RunbookView";

type Props = { params: Promise<{ slug: string[] }> };

export const metadata: Metadata = { title: "Runbook" };

// Segments may arrive still percent-encoded; a malformed escape is kept as typed.
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export default async function RunbookPage({ params }: Props) {
  const { slug } = await params;
  const path = slug.map(safeDecode).join("/");
  return (
    <Suspense fallback={<main className="px-6 py-16 text-center text-muted">Loading runbook…</main>}>
      <RunbookView key={path} slug={path} />
    </Suspense>
  );
}
