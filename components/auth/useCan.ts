"use client";

import { useCallback } from "react";
import { ACTION_ROLES, can, cannotReason, type Action } from "./can";
import type { AuthMode, MeUser, Role } from "./contract";
import { useMe } from "./useMe";

export type Auth = {
  /** undefined until `/api/v1/me` answers. */
  mode: AuthMode | undefined;
  user: MeUser | null;
  /** The role writes are checked against; local and none mode act as admin; null is signed out. */
  role: Role | null | undefined;
};

export function useAuth(): Auth {
  const { data } = useMe();
  if (!data) return { mode: undefined, user: null, role: undefined };
  if (data.mode !== "oidc") return { mode: data.mode, user: data.user, role: "admin" };
  return { mode: "oidc", user: data.user, role: data.user?.role ?? null };
}

export type Permission = { allowed: boolean; reason: string | null };

/**
 * `check(action)` says whether this user may do it and, if not, why. Until the server has said
 * who this is, everything is allowed (the server refuses what it must; no flash of disabled
 * controls in local mode).
 */
export function useCan(): (action: Action) => Permission {
  const { role } = useAuth();
  return useCallback(
    (action: Action) => (role === undefined ? { allowed: true, reason: null } : { allowed: can(role, action), reason: cannotReason(role, action) }),
    [role],
  );
}

export { ACTION_ROLES };
