import { Board } from "@/components/board/Board";

// Everything on the board is live: the page is a static shell, data comes over /ws.
export default function BoardPage() {
  return <Board />;
}
