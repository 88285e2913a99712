"use client";

/** The text of an entry being edited: Enter (or Save) saves, Shift+Enter is a newline, Escape cancels. */
export function EntryBodyEditor({ value, onChange, onSave, onCancel, pending }: { value: string; onChange: (v: string) => void; onSave: () => void; onCancel: () => void; pending: boolean }) {
  const empty = value.trim() === "";
  return (
    <form
      className="mt-1.5 flex flex-col gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (!empty) onSave();
      }}
    >
      <textarea
        autoFocus
        aria-label="Entry text"
        rows={Math.min(8, Math.max(2, value.split("\n").length))}
        maxLength={10_000}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onCancel();
          } else if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            if (!empty) onSave();
          }
        }}
        className="block w-full resize-y rounded-md border border-line bg-bg px-3 py-2 text-sm text-fg focus:border-chart-1 focus:outline-none"
      />
      <div className="flex items-center gap-2">
        <button type="submit" disabled={pending || empty} className="rounded-md bg-chart-1 px-2.5 py-1 text-xs font-semibold text-bg disabled:opacity-50">
          Save text
        </button>
        <button type="button" onClick={onCancel} className="rounded-md px-2 py-1 text-xs text-muted hover:text-fg">
          Cancel
        </button>
        <span className="text-xs text-faint">The earlier text stays in the entry’s history.</span>
      </div>
    </form>
  );
}
