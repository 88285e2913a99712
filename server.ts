/**
 * War Room server entry: `tsx server.ts` (production, needs `next build`),
 * `tsx server.ts --dev` (Next dev server), `--no-ui` (API and WebSocket only).
 */
import { readEnv } from "./lib/config/env";
import { ConfigError, loadConfig, withEnvOverrides } from "./lib/config/load";
import { createLogger } from "./lib/log";
import { startWarRoom, type UiMode } from "./lib/server/server";
import { UnsafeBindError } from "./lib/server/security";

const args = new Set(process.argv.slice(2));
const ui: UiMode = args.has("--no-ui") ? "none" : args.has("--dev") ? "dev" : "prod";
(process.env as Record<string, string | undefined>).NODE_ENV ??= ui === "dev" ? "development" : "production";

async function main(): Promise<void> {
  let env;
  let config;
  try {
    env = readEnv();
    config = withEnvOverrides(loadConfig(env.WAR_ROOM_CONFIG), env);
  } catch (err) {
    if (err instanceof ConfigError) console.error(`War Room cannot start: invalid configuration\n${err.message}`);
    else console.error(`War Room cannot start: ${(err as Error).message}`);
    process.exit(2);
  }
  const logger = createLogger(env.LOG_LEVEL);
  process.on("unhandledRejection", (err) => logger.error({ err }, "unhandled rejection"));
  process.on("uncaughtException", (err) => logger.error({ err }, "uncaught exception"));

  let server;
  try {
    server = await startWarRoom({ env, config, logger, ui });
  } catch (err) {
    logger.fatal({ err }, "start-up failed");
    console.error(`War Room cannot start: ${(err as Error).message}`);
    process.exit(err instanceof UnsafeBindError ? 2 : 1);
  }
  const reach = server.publicOrigins.length ? `; public at ${server.publicOrigins.join(", ")}` : "";
  console.log(`War Room is live at ${server.url} (listening on ${server.bind}${reach})`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const hard = setTimeout(() => process.exit(0), 10_000);
    hard.unref();
    server.close(8_000).then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

void main();
