import type { AuthConfig } from "./config";
import { ROLES, type Role } from "./policy";

/** The highest role whose group list matches ("*" matches anyone signed in); null when none does. */
export function roleFor(groups: readonly string[], config: AuthConfig): Role | null {
  const roles = config.oidc?.roles;
  if (!roles) return null;
  for (const role of [...ROLES].reverse()) {
    const wanted = roles[role];
    if (wanted.includes("*") || wanted.some((g) => groups.includes(g))) return role;
  }
  return null;
}
