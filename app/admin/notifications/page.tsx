import type { Metadata } from "next";
import { NotificationLog } from "@/components/comms/NotificationLog";

export const metadata: Metadata = { title: "Notifications" };

export default function AdminNotificationsPage() {
  return <NotificationLog />;
}
