import type { z } from "zod";
import { Invalid, formatPath, issuesToDetails } from "../errors";
import type { Clock } from "../time";
import type { Store } from "../store/store";
import type { AuthConfig } from "./config";

/** What the auth verbs need: the store, the clock (tests move it by hand) and the `auth:` config. */
export type AuthCtx = { store: Store; clock: Clock; config: AuthConfig };

/** Parses `input` or throws Invalid naming the first problem, with every problem in details. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const where = first && first.path.length ? `${formatPath(first.path)}: ` : "";
  throw new Invalid(`invalid ${what}: ${where}${first?.message ?? "bad input"}`, issuesToDetails(r.error.issues));
}
