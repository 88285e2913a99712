import { Suspense } from "react";
import type { Metadata } from "next";
import { ServiceView } from "@/components/service/ServiceView";
import { RANGE_META, parseRange } from "@/lib/signals/range";

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const { id } = await params;
  const range = parseRange((await searchParams).range);
  return { title: `${id} · ${RANGE_META[range].label}` };
}

export default async function ServicePage({ params }: Props) {
  const { id } = await params;
  return (
    <Suspense fallback={<main className="px-6 py-16 text-center text-muted">Loading {id}…</main>}>
      <ServiceView key={id} id={id} />
    </Suspense>
  );
}
