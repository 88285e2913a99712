"use client";

import { useId } from "react";
import { FilePenLine } from "lucide-react";
import { Modal } from "@/components/incidents/Modal";

/**
 * The server refused to publish because these sections still hold the template's prompt text
 * (lib/postmortems/placeholder-text.ts): name them, and let the person go back or publish anyway.
 */
export function UnwrittenDialog({ sections, onKeepEditing, onPublishAnyway }: { sections: string[]; onKeepEditing: () => void; onPublishAnyway: () => void }) {
  const id = useId();
  return (
    <Modal labelledBy={`${id}-title`} onClose={onKeepEditing} className="max-w-lg">
      <h2 id={`${id}-title`} className="flex items-center gap-2 text-lg font-semibold">
        <FilePenLine aria-hidden className="size-5 text-warn" />
        {sections.length === 1 ? "One section is not written yet" : `${sections.length} sections are not written yet`}
      </h2>
      <p className="mt-3 text-sm text-fg/90">These still hold the template&apos;s prompt text, which would be published as it is:</p>
      <ul aria-label="Sections with prompt text" className="mt-2 list-disc pl-6 text-sm font-semibold">
        {sections.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
      <div className="mt-5 flex justify-end gap-2">
        <button type="button" onClick={onPublishAnyway} className="rounded-md px-3 py-2 text-sm text-muted hover:bg-surface hover:text-fg">
          Publish anyway
        </button>
        <button type="button" autoFocus onClick={onKeepEditing} className="rounded-md bg-chart-1 px-4 py-2 text-sm font-semibold text-bg hover:bg-chart-1/90">
          Keep editing
        </button>
      </div>
    </Modal>
  );
}
