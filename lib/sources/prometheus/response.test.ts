import { describe, expect, it } from "vitest";
import { parseSuccessBody, parseSuccessBodyStrict } from "./response";
import { SourceError } from "./errors";

/** The error a parse throws (its message), or the result. */
function outcome(parse: (b: unknown) => unknown, body: unknown): unknown {
  try {
    return { ok: parse(body) };
  } catch (err) {
    expect(err).toBeInstanceOf(SourceError);
    return { error: (err as Error).message };
  }
}

const vector = (result: unknown, extra: object = {}) => ({ status: "success", data: { resultType: "vector", result }, ...extra });
const matrix = (result: unknown) => ({ status: "success", data: { resultType: "matrix", result } });

describe("parseSuccessBody (the hand reader) agrees with the schema", () => {
  const bodies: [string, unknown][] = [
    ["vector", vector([{ metric: { service: "api", le: "0.1" }, value: [1764800000.123, "12.5"] }, { metric: {}, value: [1, "NaN"] }])],
    ["vector with warnings and extra keys", vector([{ metric: { a: "b" }, value: [1, "+Inf"], extra: 1 }], { warnings: ["partial"], infos: [] })],
    ["native histogram sample", vector([{ metric: { a: "b" }, histogram: [1, {}] }])],
    ["matrix", matrix([{ metric: { service: "api" }, values: [[1, "1"], [2, "-Inf"], [3, "1e-3"]] }, { metric: {} }])],
    ["empty", vector([])],
    ["scalar", { status: "success", data: { resultType: "scalar", result: [1, "4"] } }],
    ["string", { status: "success", data: { resultType: "string", result: [1, "x"] } }],
    ["label not a string", vector([{ metric: { a: 1 }, value: [1, "1"] }])],
    ["value not a pair", vector([{ metric: {}, value: [1, 2] }])],
    ["value of three", vector([{ metric: {}, value: [1, "2", 3] }])],
    ["value null", vector([{ metric: {}, value: null }])],
    ["metric missing", vector([{ value: [1, "1"] }])],
    ["metric an array", vector([{ metric: [], value: [1, "1"] }])],
    ["values not an array", matrix([{ metric: {}, values: {} }])],
    ["a bad pair after a good one", matrix([{ metric: {}, values: [[1, "1"], ["2", "2"]] }])],
    ["junk value before a bad shape", matrix([{ metric: {}, values: [[1, "lots"], [2, 2]] }])],
    ["junk value", vector([{ metric: {}, value: [1, "lots"] }])],
    ["warnings not strings", vector([], { warnings: [1] })],
    ["result not an array", vector({})],
    ["unknown result type", { status: "success", data: { resultType: "streams", result: [] } }],
    ["no data", { status: "success" }],
    ["not an object", [1, 2]],
  ];
  for (const [name, body] of bodies) {
    it(name, () => {
      expect(outcome(parseSuccessBody, body)).toEqual(outcome(parseSuccessBodyStrict, body));
    });
  }

  it("reads times in ms and special values", () => {
    const r = parseSuccessBody(matrix([{ metric: { service: "api" }, values: [[1764800000.123, "+Inf"], [1764800001, "0.5"]] }]));
    expect(r.series[0].samples).toEqual([
      { t: 1764800000123, v: Infinity },
      { t: 1764800001000, v: 0.5 },
    ]);
  });
});
