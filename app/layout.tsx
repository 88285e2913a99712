import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Providers } from "./providers";
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

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className="dark" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: KIOSK_SCRIPT }} />
      </head>
      <body className="bg-bg text-fg antialiased">
        <Providers>
          <Shell>{children}</Shell>
        </Providers>
      </body>
    </html>
  );
}
