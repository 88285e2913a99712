/** Builds `.build/server.mjs` under `root` unless it is newer than every source; returns its path. */
export function ensureServerBundle(root: string): Promise<string>;
