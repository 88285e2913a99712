/** "669 ms" → a big "669" and a small "ms": the number is what people read from across the room. */
export function ValueWithUnit({ text }: { text: string }) {
  const i = text.lastIndexOf(" ");
  if (i <= 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, i)}
      <span className="ml-0.5 text-[0.6em] font-medium opacity-70"> {text.slice(i + 1)}</span>
    </>
  );
}
