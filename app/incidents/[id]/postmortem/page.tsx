import { Suspense } from "react";
import type { Metadata } from "next";
import { PostmortemView } from "@/components/postmortems/PostmortemView";

type Props = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: "Postmortem" };

export default async function PostmortemPage({ params }: Props) {
  const { id } = await params;
  return (
    <Suspense fallback={<main className="px-6 py-16 text-center text-muted">Loading postmortem…</main>}>
      <PostmortemView key={id} id={id} />
    </Suspense>
  );
}
