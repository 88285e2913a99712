/*
 * Figures are never cut: each cell is a size container and its figure's type shrinks with the
 * cell (cqi) down to a floor the longest figure still fits (e2e/layout.spec.ts checks every
 * width from 1280 to 3840 px). Captions wrap instead of ending in "…". Used by
 * components/board/StatusBanner.tsx and components/slo/BudgetSummary.tsx (its last cell).
 */
export const CELL = "@container flex min-w-0 flex-col justify-start gap-1 px-5 py-4 kiosk:py-3";
export const CELL_LABEL = "flex items-center gap-2 text-xs font-semibold tracking-wider text-muted uppercase";
export const FIGURE = "num leading-none font-semibold tracking-tight whitespace-nowrap text-[length:clamp(1.375rem,15cqi,2.25rem)] kiosk:text-[length:clamp(1.375rem,15cqi,2.5rem)]";
export const CAPTION = "text-sm leading-snug [overflow-wrap:anywhere] text-muted";
export const DETAIL = "num text-xs leading-snug [overflow-wrap:anywhere] text-faint";
