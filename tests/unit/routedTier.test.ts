// The tier `npm run route` gives for label sets that name no vertical of the stack, or no alert:
// labels typed by hand, where a typo must give an answer rather than a crash. The plan here is
// written by hand, with one vertical and one per-customer alert, and the stack's own customer label.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { routedTier } from "../../plan/customerTier";

const plan = {
  ruleFiles: [{ vertical: "salon", groups: [], perCustomerAlerts: ["SalonCustomerCalendarFailing"] }],
  verticalStrictestTiers: [{ vertical: "salon", tier: "enterprise" }],
  customers: {
    infoMetric: "billing_info",
    customerLabel: "account",
    verticalLabel: "vertical",
    tierLabel: "tier",
    absentFor: "10m",
  },
};
const tiers = new Map([["acme-salons", "business"]]);

describe("the tier of labels typed by hand", () => {
  it("is none for a customer's alert in a vertical the stack does not have", () => {
    const labels = { alertname: "SalonCustomerCalendarFailing", vertical: "saloon", account: "acme-salons" };
    assert.deepEqual(routedTier(plan, labels, tiers), {
      labels,
      why: "no tier: SalonCustomerCalendarFailing is not a per-customer alert of saloon, so its rule joins no customer's tier, and no vertical of this stack matches, so no tier applies",
    });
  });

  it("reads the customer from the stack's customer label, not `customer`", () => {
    const labels = { alertname: "SalonCustomerCalendarFailing", vertical: "salon", account: "acme-salons" };
    assert.deepEqual(routedTier(plan, labels, tiers).labels, { ...labels, tier: "business" });
    const other = { alertname: "SalonCustomerCalendarFailing", vertical: "salon", customer: "acme-salons" };
    assert.match(routedTier(plan, other, tiers).why, /^no tier: a vertical-wide alert, /);
  });
});
