import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { headers } from "next/headers";
import { connection } from "next/server";
import { Providers } from "./providers";
import { ZodJitless } from "./zod-jitless";
import { Shell } from "@/components/shell/Shell";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "War Room", template: "%s · War Room" },
  description: "Live golden signals, drills and status for incident calls.",
};

export const viewport: Viewport = {
  themeColor: "#080b10",
  colorScheme: "dark",
};

// Runs before first paint so a wall screen opened with ?kiosk=1 never flashes the full chrome.
const KIOSK_SCRIPT = `(function(){try{var k=new URLSearchParams(location.search).get("kiosk");if(k==="1"||k==="true")document.documentElement.setAttribute("data-kiosk","1")}catch(e){}})()`;

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request so Next can put the CSP nonce (lib/server/security.ts) on its scripts.
  await connection();
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html lang="en" className="dark" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: KIOSK_SCRIPT }} />
      </head>
      <body className="bg-bg text-fg antialiased">
        <ZodJitless />
        <Providers>
          <Shell>{children}</Shell>
        </Providers>
      </body>
    </html>
  );
}
