/**
 * Builds remote_write 1.0 bodies for tests and bench/ingest with protobufjs (an independent
 * encoder, so the hand-written decoder in lib/ingest/remote-write/proto.ts is checked against
 * another implementation) and snappyjs.
 */
import protobuf from "protobufjs";
import { compress } from "snappyjs";

const PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
message MetricMetadata { int32 type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
`;

export const WriteRequest = protobuf.parse(PROTO).root.lookupType("prometheus.WriteRequest");

export type TestSeries = { labels: Record<string, string>; samples: { value: number; timestamp: number }[] };

/** The uncompressed protobuf of a WriteRequest (labels sorted by name, as Prometheus sends them). */
export function encodeWriteRequest(series: readonly TestSeries[], extra: Record<string, unknown> = {}): Uint8Array {
  const msg = {
    timeseries: series.map((s) => ({
      labels: Object.keys(s.labels)
        .sort()
        .map((name) => ({ name, value: s.labels[name] })),
      samples: s.samples,
    })),
    ...extra,
  };
  return WriteRequest.encode(WriteRequest.fromObject(msg)).finish();
}

/** A remote_write body: snappy (block format) of the protobuf. */
export function remoteWriteBody(series: readonly TestSeries[], extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(compress(encodeWriteRequest(series, extra)));
}

export const REMOTE_WRITE_HEADERS = {
  "content-type": "application/x-protobuf",
  "content-encoding": "snappy",
  "x-prometheus-remote-write-version": "0.1.0",
};

/** The series one scrape of one service gives, as the simulator's exporter names them (lib/simulator/exposition.ts). */
export function scrapeSeries(service: string, t: number, c: { ok: number; err5: number; buckets: [number, number][]; cpu?: number }): TestSeries[] {
  const at = (value: number) => [{ value, timestamp: t }];
  const out: TestSeries[] = [
    { labels: { __name__: "http_requests_total", service, code: "200" }, samples: at(c.ok) },
    { labels: { __name__: "http_requests_total", service, code: "500" }, samples: at(c.err5) },
    ...c.buckets.map(([le, n]) => ({ labels: { __name__: "http_request_duration_seconds_bucket", service, le: le === Infinity ? "+Inf" : String(le) }, samples: at(n) })),
  ];
  if (c.cpu !== undefined) out.push({ labels: { __name__: "process_cpu_usage_ratio", service }, samples: at(c.cpu) });
  return out;
}
