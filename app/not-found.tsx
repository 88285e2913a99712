import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-3xl px-6 py-24 text-center">
      <h1 className="text-3xl font-bold">Page not found</h1>
      <p className="mt-3 text-muted">Nothing lives at this address.</p>
      <Link href="/" className="mt-6 inline-block rounded-md border border-line px-4 py-2 text-sm hover:border-muted">
        Back to the board
      </Link>
    </main>
  );
}
