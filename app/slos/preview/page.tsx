"use client";

import { FiringAlerts } from "@/components/alerts/FiringAlerts";
import { BudgetSummary } from "@/components/slo/BudgetSummary";
import { ServiceBudgets } from "@/components/slo/ServiceBudgets";

// Temporary preview of the reusable components; deleted after review.
export default function Preview() {
  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-5 px-6 py-5">
      <section className="overflow-hidden rounded-2xl border border-line bg-surface">
        <dl className="grid grid-cols-5 divide-x divide-line">
          <BudgetSummary />
          <div className="px-6 py-5 text-faint">(other banner cells)</div>
        </dl>
      </section>
      <FiringAlerts />
      <ServiceBudgets serviceId="checkout" />
      <ServiceBudgets serviceId="edge-gateway" />
    </main>
  );
}
