"use client";

import { useId, useState, type FormEvent } from "react";
import { UserRound } from "lucide-react";
import { MAX_NAME } from "./identity";
import { Modal } from "./Modal";

type Props = {
  initial: string | null;
  reason: "write" | "visit" | "change";
  onSave: (name: string) => void;
  onSkip: () => void;
};

const REASON: Record<Props["reason"], string> = {
  write: "Your name goes with what you write into the incident, so everyone on the call knows who said it.",
  visit: "Others on the call see who is viewing this incident, and your name goes with what you write.",
  change: "Shown with what you write into incidents and in the viewers list.",
};

/** Asks once for a display name (kept in this browser); "Not now" continues as anonymous. */
export function NameDialog({ initial, reason, onSave, onSkip }: Props) {
  const id = useId();
  const [name, setName] = useState(initial ?? "");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) onSave(name.trim());
  };
  return (
    <Modal labelledBy={`${id}-title`} onClose={onSkip} className="max-w-md">
      <form onSubmit={submit} className="flex flex-col gap-4">
        <h2 id={`${id}-title`} className="flex items-center gap-2 text-lg font-semibold">
          <UserRound aria-hidden className="size-5 text-chart-1" />
          {reason === "change" ? "Your display name" : "What should we call you?"}
        </h2>
        <p className="text-sm text-muted">{REASON[reason]}</p>
        <div>
          <label htmlFor={`${id}-name`} className="mb-1 block text-xs font-semibold tracking-wide text-muted uppercase">
            Display name
          </label>
          <input
            id={`${id}-name`}
            autoFocus
            autoComplete="name"
            maxLength={MAX_NAME}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Ada Lovelace"
            className="w-full rounded-md border border-line bg-bg px-3 py-2 text-sm text-fg placeholder:text-faint focus:border-chart-1 focus:outline-none"
          />
        </div>
        <div className="flex justify-end gap-2">
          <button type="button" onClick={onSkip} className="rounded-md px-3 py-2 text-sm text-muted hover:bg-surface hover:text-fg">
            {reason === "change" ? "Cancel" : "Not now"}
          </button>
          <button
            type="submit"
            disabled={!name.trim()}
            className="rounded-md bg-chart-1 px-4 py-2 text-sm font-semibold text-bg hover:bg-chart-1/90 disabled:opacity-50"
          >
            Save name
          </button>
        </div>
      </form>
    </Modal>
  );
}
