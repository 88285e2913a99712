import type { Metadata } from "next";
import { PublicStatusPage } from "@/components/comms/PublicStatusPage";

export const metadata: Metadata = {
  title: { absolute: "Status" },
  alternates: { types: { "application/atom+xml": "/api/v2/history.atom" } },
};

/** `/status`: the public, read-only status page (no sign-in; lib/server/status-routes.ts). */
export default function StatusRoute() {
  return <PublicStatusPage />;
}
