import type { IncomingMessage } from "node:http";
import { PayloadTooLarge, UnsupportedMediaType } from "../errors";
import type { RemoteWriteReceiver } from "../ingest/remote-write/receive";
import { RemoteWriteResultSchema } from "../ingest/remote-write/receive";
import { MAX_COMPRESSED_BYTES, MAX_DECOMPRESSED_BYTES } from "../ingest/remote-write/snappy";
import type { HttpApi } from "./http";

/** The raw body, at most `max` bytes (the JSON reader in lib/server/http.ts only takes JSON). */
async function readRaw(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > max) throw new PayloadTooLarge(`remote_write body is ${declared} bytes; at most ${max} allowed (compressed)`, { maxBytes: max });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      req.resume();
      throw new PayloadTooLarge(`remote_write body over ${max} bytes (compressed)`, { maxBytes: max });
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

/** Protocol 1.0 only: snappy block + protobuf prometheus.WriteRequest (2.0 sends proto=io.prometheus.write.v2.Request). */
function checkHeaders(req: IncomingMessage): void {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (!type.startsWith("application/x-protobuf")) throw new UnsupportedMediaType("send remote_write as Content-Type: application/x-protobuf");
  const proto = /;\s*proto=([^;\s]+)/.exec(type)?.[1];
  if (proto && proto !== "prometheus.writerequest") throw new UnsupportedMediaType(`remote_write ${proto} is not supported; this receiver speaks protocol 1.0 (prometheus.WriteRequest)`);
  const encoding = (req.headers["content-encoding"] ?? "").toLowerCase();
  if (encoding !== "snappy") throw new UnsupportedMediaType("send remote_write with Content-Encoding: snappy (block format)");
  const version = String(req.headers["x-prometheus-remote-write-version"] ?? "0.1.0");
  if (!version.startsWith("0.1.")) throw new UnsupportedMediaType(`remote_write version ${version} is not supported; this receiver speaks 0.1.0 (protocol 1.0)`);
}

export function addRemoteWriteRoute(api: HttpApi, receiver: RemoteWriteReceiver): void {
  api.add(
    "POST",
    "/api/v1/write",
    async ({ req }) => {
      checkHeaders(req);
      return { status: 200, body: await receiver.receive(await readRaw(req, MAX_COMPRESSED_BYTES)) };
    },
    {
      summary: "Prometheus remote_write 1.0 receiver (snappy-compressed protobuf WriteRequest); in oidc mode needs a token with the ingest scope",
      description: `Series are mapped to golden signals as the Prometheus source's default queries read them (requests counter by code, duration histogram buckets, saturation gauges; the service from the configured label). Counters become rates with reset detection. Samples of other metrics are ignored; refused samples (unknown or non-push service, cardinality bound, NaN/Inf, out of order, too old) are counted by reason and the rest of the request is kept (200). 400 when the body is not snappy/protobuf or every sample was refused; 413 over ${MAX_COMPRESSED_BYTES} bytes compressed or ${MAX_DECOMPRESSED_BYTES} decompressed; 503 with Retry-After when the store is down (Prometheus retries).`,
      response: RemoteWriteResultSchema,
      errors: {
        400: "Not snappy, not a protobuf WriteRequest, or every sample refused (details: counts by reason)",
        413: "Body over the bounds (checked from the snappy header before inflating)",
        415: "Wrong Content-Type, Content-Encoding or remote_write version",
        503: "Store unavailable: nothing was stored; retry after Retry-After",
      },
    },
  );
}
