"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import { AuditListSchema, CreatedTokenSchema, RevokedTokenSchema, TokenListSchema, type CreateTokenBody } from "@/components/auth/contract";
import { auditQuery, type AuditFilters } from "./auditFilters";

const TOKENS_KEY = ["admin", "tokens"] as const;

export function useTokens(enabled: boolean) {
  return useQuery({
    queryKey: TOKENS_KEY,
    queryFn: () => apiFetch("/api/v1/tokens", { schema: TokenListSchema }).then((r) => r.tokens),
    enabled,
    retry: false,
  });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTokenBody) => apiFetch("/api/v1/tokens", { method: "POST", json: body, schema: CreatedTokenSchema }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: TOKENS_KEY }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/tokens/${encodeURIComponent(id)}`, { method: "DELETE", schema: RevokedTokenSchema }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: TOKENS_KEY }),
  });
}

export function useAudit(filters: AuditFilters, enabled: boolean) {
  const q = auditQuery(filters);
  return useQuery({
    queryKey: ["admin", "audit", q],
    queryFn: () => apiFetch(`/api/v1/audit${q ? `?${q}` : ""}`, { schema: AuditListSchema }).then((r) => r.entries),
    enabled,
    retry: false,
  });
}

export function auditExportHref(filters: AuditFilters): string {
  const q = auditQuery({ ...filters, limit: null });
  return `/api/v1/audit/export${q ? `?${q}` : ""}`;
}
