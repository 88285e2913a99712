/**
 * Incident severities, SEV1 (worst) to SEV4. Below every domain because runbooks (front
 * matter `severity`) and incidents both speak of them.
 */
export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export type IncidentSeverity = (typeof SEVERITIES)[number];
