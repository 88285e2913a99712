import { afterAll, beforeAll, beforeEach, describe } from "vitest";
import { manualClock } from "../../time";
import { postgresBackend, sqliteBackend, type Backend } from "../../store/testing/backends";
import { AuthConfigSchema, type AuthConfigInput } from "../config";
import type { AuthCtx } from "../context";

export const T0 = 1_700_000_000_000;

export type AuthSuite = {
  ctx: AuthCtx;
  clock: ReturnType<typeof manualClock>;
  backend: Backend;
  /** The store closed and opened again on the same database, as after a restart (the suite's `ctx` moves to it). */
  reopen(): Promise<AuthCtx>;
};

/** Runs `body` against SQLite, and against Postgres when DATABASE_URL is set; the auth tables start empty for each test. */
export function authStoreSuites(name: string, config: AuthConfigInput, body: (s: AuthSuite) => void): void {
  const backends = [sqliteBackend(), ...(process.env.DATABASE_URL ? [postgresBackend(process.env.DATABASE_URL)] : [])];
  for (const backend of backends) {
    describe(`${name} on ${backend.name}`, () => {
      const clock = manualClock(T0);
      const parsed = AuthConfigSchema.parse(config);
      const suite: AuthSuite = {
        ctx: undefined as unknown as AuthCtx,
        clock,
        backend,
        async reopen() {
          // One process per SQLite folder (lib/store/sqlite.ts): the old store closes first, as at a restart.
          await suite.ctx.store.close();
          suite.ctx = { store: await backend.open(), clock, config: parsed };
          return suite.ctx;
        },
      };
      beforeAll(async () => {
        await backend.setup();
        suite.ctx = { store: await backend.open(), clock, config: parsed };
      });
      afterAll(async () => {
        await backend.teardown(suite.ctx?.store);
        await suite.ctx?.store.close();
      });
      beforeEach(async () => {
        clock.set(T0);
        for (const table of ["auth_sessions", "api_tokens", "audit_log"] as const) await suite.ctx.store.db.deleteFrom(table).execute();
      });
      body(suite);
    });
  }
}
