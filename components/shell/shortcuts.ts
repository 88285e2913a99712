/** Keyboard shortcuts, listed in the `?` overlay. Sequences are typed key by key (e.g. `g` then `b`). */
export type Shortcut = { keys: string[]; description: string; href?: string; action?: "declare" };

export const SHORTCUTS: Shortcut[] = [
  { keys: ["?"], description: "Show keyboard shortcuts" },
  { keys: ["/"], description: "Search runbooks" },
  { keys: ["g", "b"], description: "Go to the board", href: "/" },
  { keys: ["g", "s"], description: "Go to SLOs and error budgets", href: "/slos" },
  { keys: ["g", "i"], description: "Go to incidents", href: "/incidents" },
  { keys: ["g", "r"], description: "Go to runbooks", href: "/runbooks" },
  { keys: ["d"], description: "Declare an incident", action: "declare" },
  { keys: ["f"], description: "Filter services on the board (or just start typing)" },
  { keys: ["Esc"], description: "Close this dialog" },
];

/** How long the second key of a sequence may wait for the first. */
export const SEQUENCE_TIMEOUT_MS = 1500;

/** True when the keystroke belongs to a text field, not to the page. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== "string") return false;
  const el = target as HTMLElement;
  const tag = el.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
}
