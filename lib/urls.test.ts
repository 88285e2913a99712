import { describe, expect, it } from "vitest";
import { safeLinkUrl } from "./urls";

describe("safeLinkUrl", () => {
  it("keeps http(s) URLs and in-app paths", () => {
    expect(safeLinkUrl("https://wiki.example.com/runbooks/checkout")).toBe("https://wiki.example.com/runbooks/checkout");
    expect(safeLinkUrl("http://prometheus:9090/graph?g0.expr=up")).toBe("http://prometheus:9090/graph?g0.expr=up");
    expect(safeLinkUrl("/runbooks/high-latency#steps")).toBe("/runbooks/high-latency#steps");
  });

  it("drops script, data and off-site links", () => {
    for (const bad of [
      "javascript:alert(document.domain)",
      " JavaScript:alert(1)",
      "java\tscript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "//evil.example/x",
      "/\\evil.example",
      "/\t/evil.example",
      "runbooks/relative",
      "ftp://files.example.com/x",
      "",
      "https://" + "a".repeat(2000),
    ]) {
      expect(safeLinkUrl(bad), bad).toBeNull();
    }
    expect(safeLinkUrl(undefined)).toBeNull();
  });
});
