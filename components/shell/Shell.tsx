"use client";

import { Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import clsx from "clsx";
import { Keyboard, Siren, UserRound } from "lucide-react";
import { DECLARE_EVENT, IncidentUiProvider, useIncidentUi } from "@/components/incidents/IncidentUi";
import { Clock } from "./Clock";
import { ConnectionBadge } from "./ConnectionBadge";
import { HelpOverlay } from "./HelpOverlay";
import { SearchOverlay } from "@/components/runbooks/SearchOverlay";
import { SEQUENCE_TIMEOUT_MS, SHORTCUTS, isTypingTarget } from "./shortcuts";
import { useMe } from "@/components/auth/useMe";
import { useAuth } from "@/components/auth/useCan";
import { can } from "@/components/auth/can";
import { UserMenu } from "@/components/auth/UserMenu";
import { SessionBanner } from "@/components/auth/SessionBanner";

const NAV = [
  { href: "/", label: "Board", match: (p: string) => p === "/" || p.startsWith("/services") },
  { href: "/slos", label: "SLOs", match: (p: string) => p.startsWith("/slos") },
  { href: "/incidents", label: "Incidents", match: (p: string) => p.startsWith("/incidents") },
  { href: "/runbooks", label: "Runbooks", match: (p: string) => p.startsWith("/runbooks") },
  { href: "/gamedays", label: "Game days", match: (p: string) => p.startsWith("/gamedays") },
];

const ADMIN_NAV = [
  { href: "/admin/tokens", label: "Tokens", match: (p: string) => p.startsWith("/admin/tokens") },
  { href: "/admin/audit", label: "Audit", match: (p: string) => p.startsWith("/admin/audit") },
  { href: "/admin/notifications", label: "Notifications", match: (p: string) => p.startsWith("/admin/notifications") },
];

/** Local/none mode: the display name from this browser. OIDC: the signed-in user, or "Sign in". */
function WhoAmI() {
  const me = useMe().data;
  if (me?.mode === "oidc") {
    return (
      <Suspense fallback={null}>
        <UserMenu me={me} />
      </Suspense>
    );
  }
  return <NameButton />;
}

/** Who writes from this browser; opens the name dialog. */
function NameButton() {
  const { name, askName } = useIncidentUi();
  return (
    <button
      type="button"
      onClick={() => void askName("change")}
      className="inline-flex max-w-48 items-center gap-1.5 rounded-md border border-line px-2 py-1 text-sm text-muted hover:border-muted hover:text-fg kiosk:hidden"
      title="Your display name: shown with what you write and in viewer lists"
      aria-label={name ? `Signed in as ${name}, change name` : "Set your name"}
    >
      <UserRound aria-hidden className="size-4 shrink-0" />
      <span className="truncate">{name ?? "Set name"}</span>
    </button>
  );
}

function isKiosk(): boolean {
  return typeof document !== "undefined" && document.documentElement.hasAttribute("data-kiosk");
}

/** Keeps `data-kiosk` on <html> in step with `?kiosk=` on client-side navigation. */
function KioskSync() {
  const params = useSearchParams();
  const kiosk = params.get("kiosk");
  useEffect(() => {
    if (kiosk === "1" || kiosk === "true") document.documentElement.setAttribute("data-kiosk", "1");
    else if (kiosk === "0" || kiosk === "false") document.documentElement.removeAttribute("data-kiosk");
  }, [kiosk]);
  return null;
}

function useShortcuts(openHelp: () => void, closeHelp: () => void, openSearch: () => void, closeSearch: () => void) {
  const router = useRouter();
  const pending = useRef<{ key: string; at: number } | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        closeHelp();
        closeSearch();
        pending.current = null;
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (e.key === "?") {
        e.preventDefault();
        openHelp();
        return;
      }
      if (e.key === "/" && !document.querySelector('[role="dialog"]')) {
        e.preventDefault();
        openSearch();
        return;
      }
      const inSequence = pending.current !== null && e.timeStamp - pending.current.at <= SEQUENCE_TIMEOUT_MS;
      const single = !inSequence && SHORTCUTS.find((s) => s.keys.length === 1 && s.keys[0] === e.key && s.action);
      if (single && !isKiosk() && !document.querySelector('[role="dialog"]')) {
        e.preventDefault();
        closeHelp();
        window.dispatchEvent(new Event(DECLARE_EVENT));
        return;
      }
      const prev = pending.current;
      if (prev && e.timeStamp - prev.at <= SEQUENCE_TIMEOUT_MS) {
        const hit = SHORTCUTS.find((s) => s.keys.length === 2 && s.keys[0] === prev.key && s.keys[1] === e.key && s.href);
        pending.current = null;
        if (hit?.href) {
          e.preventDefault();
          closeHelp();
          router.push(isKiosk() ? `${hit.href}?kiosk=1` : hit.href);
          return;
        }
      }
      pending.current = SHORTCUTS.some((s) => s.keys.length === 2 && s.keys[0] === e.key) ? { key: e.key, at: e.timeStamp } : null;
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [router, openHelp, closeHelp, openSearch, closeSearch]);
}

/**
 * "Skip to content": the first thing Tab reaches. Every page has one <main>; it takes the focus
 * (tabIndex -1 so it can) and the next Tab goes on from inside it.
 */
function SkipLink() {
  return (
    <a
      href="#main"
      onClick={(e) => {
        const main = document.querySelector("main");
        if (!main) return;
        e.preventDefault();
        if (!main.hasAttribute("tabindex")) main.setAttribute("tabindex", "-1");
        main.focus();
        main.scrollIntoView({ block: "start" });
      }}
      className="sr-only z-50 rounded-md bg-chart-1 px-3 py-2 text-sm font-semibold text-bg focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
    >
      Skip to content
    </a>
  );
}

/** Top bar (a minimal status strip in kiosk mode), shortcuts and the help overlay. */
export function Shell({ children, title = "War Room" }: { children: ReactNode; title?: string }) {
  const pathname = usePathname();
  const [helpOpen, setHelpOpen] = useState(false);
  const openHelp = useCallback(() => setHelpOpen(true), []);
  const closeHelp = useCallback(() => setHelpOpen(false), []);
  const [searchOpen, setSearchOpen] = useState(false);
  const openSearch = useCallback(() => setSearchOpen(true), []);
  const closeSearch = useCallback(() => setSearchOpen(false), []);
  useShortcuts(openHelp, closeHelp, openSearch, closeSearch);
  const me = useMe().data;
  const { role } = useAuth();
  const nav = role && can(role, "tokens.manage") ? [...NAV, ...ADMIN_NAV] : NAV;
  // The public status page stands alone: no navigation, shortcuts' targets or sign-in chrome.
  if (pathname === "/status" || pathname.startsWith("/status/")) return <>{children}</>;

  return (
    <IncidentUiProvider>
      <Suspense fallback={null}>
        <KioskSync />
      </Suspense>
      <SkipLink />
      <header className="sticky top-0 z-40 border-b border-line bg-bg/95 backdrop-blur kiosk:static kiosk:border-line/60 kiosk:bg-bg">
        <div className="mx-auto flex h-14 max-w-[240rem] items-center gap-6 px-6 kiosk:h-10 kiosk:px-5">
          <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight text-fg">
            <Siren aria-hidden className="size-5 text-critical kiosk:size-4" strokeWidth={2.25} />
            <span className="text-base whitespace-nowrap kiosk:text-sm kiosk:text-muted">{title}</span>
          </Link>
          <nav aria-label="Main" className="flex items-center gap-1 kiosk:hidden">
            {nav.map((n) => {
              const active = n.match(pathname);
              return (
                <Link
                  key={n.href}
                  href={n.href}
                  aria-current={active ? "page" : undefined}
                  className={clsx(
                    "rounded-md px-3 py-1.5 text-sm font-medium",
                    active ? "bg-surface-2 text-fg" : "text-muted hover:bg-surface hover:text-fg",
                  )}
                >
                  {n.label}
                </Link>
              );
            })}
          </nav>
          <div className="ml-auto flex items-center gap-4 2xl:gap-6">
            <ConnectionBadge />
            <Clock />
            <WhoAmI />
            <button
              type="button"
              onClick={openHelp}
              className="rounded-md border border-line p-1.5 text-muted hover:border-muted hover:text-fg kiosk:hidden"
              aria-label="Keyboard shortcuts"
              title="Keyboard shortcuts (?)"
            >
              <Keyboard aria-hidden className="size-4" />
            </button>
          </div>
        </div>
      </header>
      <SessionBanner me={me} />
      {children}
      {helpOpen && <HelpOverlay onClose={closeHelp} />}
      {searchOpen && <SearchOverlay onClose={closeSearch} />}
    </IncidentUiProvider>
  );
}
