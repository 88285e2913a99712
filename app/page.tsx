import { headers } from "next/headers";
import { Board } from "@/components/board/Board";
import { parseBoardView } from "@/components/board/view";
import { boardForPage } from "@/lib/signals/page-feed";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

// The page brings the current board with it (item: board without a socket); live frames then resume from its position.
export default async function BoardPage({ searchParams }: Props) {
  const h = await headers();
  const initial = await boardForPage({ cookie: h.get("cookie") ?? undefined, authorization: h.get("authorization") ?? undefined });
  return <Board initial={initial} initialView={parseBoardView(await searchParams)} />;
}
