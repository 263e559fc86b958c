// The tier an alert is routed under, and why, as the rendered rule and the route tree decide it:
// what `npm run route` explains for an alert given by hand.
import type { LabelSet } from "../alertmanager/types";
import { LABEL } from "../core/conventions";
import type { AlertingPlan } from "./plan";

export interface RoutedTier {
  /** The alert's labels as Alertmanager receives them: with the tier the rule's join adds. */
  labels: LabelSet;
  why: string;
}

/**
 * Its own `tier` label wins. A per-customer alert's rule joins the customer info series, so it
 * carries its customer's tier when the series lists the customer. Anything else (a vertical-wide
 * alert, an alert from another source, a customer the series does not list) carries no tier and is
 * routed by its vertical's strictest tier.
 */
export function routedTier(
  plan: Pick<AlertingPlan, "ruleFiles" | "verticalStrictestTiers" | "customers">,
  labels: LabelSet,
  customerTiers: ReadonlyMap<string, string>,
): RoutedTier {
  const vertical = labels[LABEL.vertical];
  const strictest = plan.verticalStrictestTiers.find((entry) => entry.vertical === vertical)?.tier;
  const fallback = strictest
    ? `the strictest tier ${vertical} sells, ${strictest}, applies (routed by the tier="" branch)`
    : "no vertical of this stack matches, so no tier applies";
  if (labels[LABEL.tier]) return { labels, why: `tier ${labels[LABEL.tier]}: the alert's own tier label` };
  const customer = labels[plan.customers.customerLabel];
  if (customer === undefined) return { labels, why: `no tier: a vertical-wide alert, so ${fallback}` };
  const perCustomer = plan.ruleFiles
    .find((file) => file.vertical === vertical)
    ?.perCustomerAlerts.includes(labels[LABEL.alertName] ?? "");
  if (!perCustomer) {
    return {
      labels,
      why: `no tier: ${labels[LABEL.alertName] ?? "this alert"} is not a per-customer alert of ${vertical}, so its rule joins no customer's tier, and ${fallback}`,
    };
  }
  const tier = customerTiers.get(customer);
  if (tier === undefined) {
    return {
      labels,
      why: `no tier: customer ${customer} is not in the customer info series given (--customer-tier), so ${fallback}`,
    };
  }
  return {
    labels: { ...labels, [LABEL.tier]: tier },
    why: `tier ${tier}: customer ${customer}'s, from the customer info series`,
  };
}
