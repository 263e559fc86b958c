// The rule file of each vertical: its groups, each rule with our routing labels first.
import { LABEL, ruleGroupName } from "../core/conventions";
import { type Alert, alertsOf, type RenderedRule, type Rule } from "../core/rules";
import type { RuleFileSource } from "../input/alertingRules";
import type { CustomersConfig } from "../input/config";

export interface RuleFilePlan {
  vertical: string;
  groups: { name: string; interval?: string; rules: RenderedRule[] }[];
  /** The alerts whose rule joins the customer info series for each customer's tier. */
  perCustomerAlerts: string[];
}

/** Our routing labels first, in a fixed order, then the catalogue's own labels as written. */
export function ruleLabels(alert: Alert): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL.alertType]: alert.alertType,
    [LABEL.severity]: alert.severity,
    [LABEL.vertical]: alert.vertical,
    [LABEL.team]: alert.team,
  };
  if (alert.toolName) labels[LABEL.toolName] = alert.toolName;
  for (const [key, value] of Object.entries(alert.labels))
    if (!Object.hasOwn(labels, key)) labels[key] = value;
  return labels;
}

/**
 * A per-customer alert's expression, joined to the customer info series for the customer's tier. A
 * customer the series does not list (new, or billing's exporter down) still alerts, without a tier,
 * which the route tree reads as the vertical's strictest. `topk by (customer) (1, …)` keeps one info
 * series per customer, so a customer listed twice cannot make the join fail and lose every alert.
 */
export function perCustomerExpr(alert: Alert, customers: CustomersConfig): string {
  const info = `${customers.infoMetric}{${customers.verticalLabel}="${alert.vertical}"}`;
  const customer = customers.customerLabel;
  const expr = alert.expr.trim().replace(/\n/g, "\n  ");
  const joined = `(\n  ${expr}\n)\n* on (${customer}) group_left (${customers.tierLabel})\n  topk by (${customer}) (1, ${info})`;
  const tiered =
    customers.tierLabel === LABEL.tier
      ? joined
      : `label_replace(\n${joined},\n"${LABEL.tier}", "$1", "${customers.tierLabel}", "(.*)")`;
  return `${tiered}\nor\n(\n  ${expr}\n)\nunless on (${customer}) ${info}\n`;
}

function renderRule(rule: Rule, customers: CustomersConfig): RenderedRule {
  if (rule.kind === "record") {
    return {
      record: rule.record,
      expr: rule.expr,
      ...(Object.keys(rule.labels).length ? { labels: rule.labels } : {}),
    };
  }
  const out: RenderedRule = {
    alert: rule.name,
    expr: rule.scope === "customer" ? perCustomerExpr(rule, customers) : rule.expr,
  };
  if (rule.for) out.for = rule.for;
  if (rule.keepFiringFor) out.keep_firing_for = rule.keepFiringFor;
  out.labels = ruleLabels(rule);
  if (Object.keys(rule.annotations).length) out.annotations = rule.annotations;
  return out;
}

export function buildRuleFile(vertical: RuleFileSource, customers: CustomersConfig): RuleFilePlan {
  return {
    vertical: vertical.id,
    groups: vertical.groups.map((group) => ({
      name: ruleGroupName(vertical.id, group.name),
      ...(group.interval ? { interval: group.interval } : {}),
      rules: group.rules.map((rule) => renderRule(rule, customers)),
    })),
    perCustomerAlerts: alertsOf(vertical)
      .filter((alert) => alert.scope === "customer")
      .map((alert) => alert.name),
  };
}
