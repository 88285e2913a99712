const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** Tests must never touch a shared database: throws unless DATABASE_URL points at this machine. */
export function assertLocalDatabaseUrl(databaseUrl: string): void {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error("Refusing to run database tests: DATABASE_URL is not a valid URL");
  }
  // pg lets ?host= override the URL's host (and a socket directory is local by definition).
  const hosts = [url.hostname, url.searchParams.get("host") ?? ""].filter((h) => h !== "");
  const local = hosts.length > 0 && hosts.every((h) => LOCAL_HOSTS.has(h) || h.startsWith("/"));
  if (!local) {
    throw new Error(`Refusing to run database tests against host "${hosts.join(",") || "(none)"}": DATABASE_URL must point at localhost, 127.0.0.1 or ::1`);
  }
}
