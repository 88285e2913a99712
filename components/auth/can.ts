import { ROLES, type Role } from "./contract";

/** Every write (or admin page) in the UI, with the lowest role that may do it. Mirrors the server's table. */
export const ACTION_ROLES = {
  "incident.declare": "responder",
  "incident.status": "responder",
  "incident.severity": "responder",
  "incident.roles": "responder",
  "timeline.write": "responder",
  "timeline.pin": "responder",
  "timeline.editTime": "responder",
  "actionItems.write": "responder",
  "runbook.tick": "responder",
  "drill.start": "responder",
  "drill.stop": "responder",
  "alert.ack": "responder",
  "alert.silence": "responder",
  "postmortem.write": "responder",
  "postmortem.publish": "admin",
  "tokens.manage": "admin",
  "audit.read": "admin",
} as const satisfies Record<string, Role>;

export type Action = keyof typeof ACTION_ROLES;

/** May `role` do `action`? Nobody signed in (null) may do nothing. */
export function can(role: Role | null | undefined, action: Action): boolean {
  if (!role) return false;
  return ROLES.indexOf(role) >= ROLES.indexOf(ACTION_ROLES[action]);
}

const ARTICLE: Record<Role, string> = { viewer: "a viewer", responder: "a responder", admin: "an admin" };

/** Why `role` may not do `action` (null when it may): shown as the control's title and description. */
export function cannotReason(role: Role | null | undefined, action: Action): string | null {
  if (can(role, action)) return null;
  if (!role) return "Sign in to make changes";
  const needed = ACTION_ROLES[action];
  if (role === "viewer") return `Viewers can't write — ask an admin for the ${needed} role`;
  return `Needs the ${needed} role — you are ${ARTICLE[role]}`;
}
