import type { z } from "zod";
import { parseOrInvalid } from "../errors";
import type { Clock } from "../time";
import type { Store } from "../store/store";
import type { AuthConfig } from "./config";

/** What the auth verbs need: the store, the clock (tests move it by hand) and the `auth:` config. */
export type AuthCtx = { store: Store; clock: Clock; config: AuthConfig };

/** Parses `input` or throws Invalid naming the first problem, with every problem in details. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  return parseOrInvalid(schema, input, what);
}
