// The tier an alert is routed under, and the reason `npm run route` gives for it, for each way an
// alert can come by its tier: its own label, its customer's tier through the customer info series,
// or its vertical's strictest tier. Prod's catalogues say which alerts are per customer.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { compileStack } from "../../pipeline/compile";
import { routedTier } from "../../plan/customerTier";
import type { AlertingPlan } from "../../plan/plan";
import { stackFileWithTestSecrets } from "../support/program";

let plan: AlertingPlan;
const tiers = new Map([["acme-salons", "business"]]);

before(async () => {
  const stackFile = stackFileWithTestSecrets("prod");
  ({ plan } = await compileStack({ stack: "prod", stackFile: stackFile.file, config: stackFile.values }));
});

describe("the tier an alert is routed under", () => {
  it("is its own tier label first, whatever else it carries", () => {
    const labels = {
      alertname: "SalonCustomerCalendarFailing",
      vertical: "salon",
      customer: "acme-salons",
      tier: "trial",
    };
    assert.deepEqual(routedTier(plan, labels, tiers), {
      labels,
      why: "tier trial: the alert's own tier label",
    });
  });

  it("is a per-customer alert's customer's tier, from the customer info series", () => {
    const labels = { alertname: "SalonCustomerCalendarFailing", vertical: "salon", customer: "acme-salons" };
    assert.deepEqual(routedTier(plan, labels, tiers), {
      labels: { ...labels, tier: "business" },
      why: "tier business: customer acme-salons's, from the customer info series",
    });
  });

  it("is the vertical's strictest tier for a customer the series does not list", () => {
    const labels = { alertname: "SalonCustomerCalendarFailing", vertical: "salon", customer: "other-salon" };
    assert.deepEqual(routedTier(plan, labels, tiers), {
      labels,
      why: 'no tier: customer other-salon is not in the customer info series given (--customer-tier), so the strictest tier salon sells, enterprise, applies (routed by the tier="" branch)',
    });
  });

  it("is the vertical's strictest tier for an alert that is not per customer, though it names one", () => {
    const labels = { alertname: "SalonCrashLoop", vertical: "salon", customer: "acme-salons" };
    assert.deepEqual(
      routedTier(plan, labels, tiers).why,
      'no tier: SalonCrashLoop is not a per-customer alert of salon, so its rule joins no customer\'s tier, and the strictest tier salon sells, enterprise, applies (routed by the tier="" branch)',
    );
    const unnamed = { vertical: "salon", customer: "acme-salons" };
    assert.match(
      routedTier(plan, unnamed, tiers).why,
      /^no tier: this alert is not a per-customer alert of salon, /,
    );
  });

  it("is the vertical's strictest tier for a vertical-wide alert, and none outside the stack's verticals", () => {
    assert.deepEqual(
      routedTier(plan, { alertname: "SalesCrashLoop", vertical: "sales" }, tiers).why,
      'no tier: a vertical-wide alert, so the strictest tier sales sells, enterprise, applies (routed by the tier="" branch)',
    );
    assert.deepEqual(
      routedTier(plan, { alertname: "Elsewhere", vertical: "mining" }, tiers).why,
      "no tier: a vertical-wide alert, so no vertical of this stack matches, so no tier applies",
    );
  });
});
