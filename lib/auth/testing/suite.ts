import { afterAll, beforeAll, beforeEach, describe } from "vitest";
import { manualClock } from "../../time";
import type { Store } from "../../store/store";
import { postgresBackend, sqliteBackend, type Backend } from "../../store/testing/backends";
import { AuthConfigSchema, type AuthConfigInput } from "../config";
import type { AuthCtx } from "../context";

export const T0 = 1_700_000_000_000;

export type AuthSuite = {
  ctx: AuthCtx;
  clock: ReturnType<typeof manualClock>;
  backend: Backend;
  /** A second store on the same database, as after a restart; closed by the suite. */
  reopen(): Promise<AuthCtx>;
};

/** Runs `body` against SQLite, and against Postgres when DATABASE_URL is set; the auth tables start empty for each test. */
export function authStoreSuites(name: string, config: AuthConfigInput, body: (s: AuthSuite) => void): void {
  const backends = [sqliteBackend(), ...(process.env.DATABASE_URL ? [postgresBackend(process.env.DATABASE_URL)] : [])];
  for (const backend of backends) {
    describe(`${name} on ${backend.name}`, () => {
      const clock = manualClock(T0);
      const parsed = AuthConfigSchema.parse(config);
      const extra: Store[] = [];
      const suite: AuthSuite = {
        ctx: undefined as unknown as AuthCtx,
        clock,
        backend,
        async reopen() {
          const store = await backend.open();
          extra.push(store);
          return { store, clock, config: parsed };
        },
      };
      beforeAll(async () => {
        await backend.setup();
        suite.ctx = { store: await backend.open(), clock, config: parsed };
      });
      afterAll(async () => {
        for (const s of extra) await s.close();
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
