/**
 * War Room driven faster than its 1 Hz tick, for the saturation step: the real server
 * (startWarRoom, ui "none", real /ws adapter, hub and board channel) with its own tick
 * turned off, and `warRoom.hub.publish("board", "tick", …)` called `--rate` times per second
 * with a captured board tick — the code path the 1 Hz tick takes to reach viewers.
 *
 *   tsx bench/ws-fanout/warroom-fast.ts --frame tick.json --rate 10
 *
 * Env as server.ts (PORT, HOST, WAR_ROOM_DATA_DIR, LOG_LEVEL). Forked by run.ts, which
 * changes the rate over IPC. Bench-only.
 */
import { readEnv } from "../../lib/config/env";
import { loadConfig } from "../../lib/config/load";
import { createLogger } from "../../lib/log";
import { startWarRoom } from "../../lib/server/server";
import { Ticker, argValue, controlFromParent, readCapturedTick } from "./ticker";

const frameFile = argValue("--frame");
if (!frameFile) {
  console.error("usage: warroom-fast.ts --frame <captured-tick.json> [--rate 1]");
  process.exit(2);
}
const data = readCapturedTick(frameFile);
const env = readEnv();
const logger = createLogger(env.LOG_LEVEL);
// Every simulated viewer connects from 127.0.0.1: the per-address socket cap (lib/server/rate-limit.ts) would refuse all but 50.
const server = await startWarRoom({ env, config: loadConfig(env.WAR_ROOM_CONFIG), logger, ui: "none", autoTick: false, rateLimits: { socketsPerAddress: 1_000_000 } });

const ticker = new Ticker((slotTime) => {
  server.warRoom.hub.publish("board", "tick", { t: slotTime, points: data.points });
});
ticker.setRate(Number(argValue("--rate", "1")));
controlFromParent(ticker, server.port);
if (!process.send) console.log(`War Room (fast publisher) on ${server.url}`);

const stop = () => {
  ticker.stop();
  void server.close(1_000).finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
