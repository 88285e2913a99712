import { describe, expect, it } from "vitest";
import { rankForAlert } from "./rank";

const rb = (slug: string, services: string[], alerts: string[], markdown = "Steps.") => ({ slug, title: slug, services, alerts, markdown });
const generic = rb("high-latency", ["checkout", "payments", "search"], ["HighLatencyP99"], "Look at `<service>` dashboards.");
const checkout = rb("checkout/high-latency", ["checkout"], ["HighLatencyP99", "checkout-latency"]);
const provider = rb("checkout/payment-provider-degraded", ["checkout", "payments"], ["HighErrorRate", "HighLatencyP99"]);
const search = rb("search/slow-queries", ["search"], ["HighLatencyP99", "ErrorBudgetBurn:search-latency"]);
const cpu = rb("cpu-saturation", ["checkout", "payments"], ["CpuSaturated"], "On <service>:");
const all = [generic, search, provider, cpu, checkout];

describe("rankForAlert: alert name and service together", () => {
  it("a checkout latency alert opens the checkout runbook, then the other checkout one, the generic one after, another service's last", () => {
    expect(rankForAlert(all, { alert: "HighLatencyP99", service: "checkout" }).map((r) => r.slug)).toEqual([
      "checkout/high-latency",
      "checkout/payment-provider-degraded",
      "high-latency",
      "search/slow-queries",
    ]);
  });

  it("the runbook named by runbook_url (here the generic one) does not beat the service's own", () => {
    expect(rankForAlert(all, { alert: "HighLatencyP99", service: "checkout", runbook: "high-latency" })[0].slug).toBe("checkout/high-latency");
    expect(rankForAlert(all, { alert: "Unlisted", service: "checkout", runbook: "high-latency" }).map((r) => r.slug)).toEqual(["high-latency"]);
  });

  it("a generic runbook is still first when it is the only one listing the alert; burn-rate names match their SLO", () => {
    expect(rankForAlert(all, { alert: "CpuSaturated", service: "checkout" }).map((r) => r.slug)).toEqual(["cpu-saturation"]);
    expect(rankForAlert(all, { alert: "ErrorBudgetBurn:search-latency:page-1h-5m", service: "search" }).map((r) => r.slug)).toEqual(["search/slow-queries"]);
    expect(rankForAlert(all, { alert: "HighLatencyP99", service: "search" })[0].slug).toBe("search/slow-queries");
  });
});
