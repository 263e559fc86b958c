// The platform's own alert about customer tiers: when billing's info series is missing for a vertical,
// every per-customer alert of it still fires, but at the vertical's strictest tier, so the platform
// team is told that tiers are unknown. Generated for each vertical that has a per-customer alert,
// with its `promtool test rules` cases.
import { alertNamePrefix, LABEL } from "../core/conventions";
import { parseDuration } from "../core/duration";
import { ownerOf } from "../core/ownership";
import type { Alert, PromtoolTestGroup, RuleGroup, RuleSource } from "../core/rules";
import type { CustomersConfig, StackConfig } from "./config";

export const CUSTOMER_TIERS_GROUP = "customer-tiers";

export const customerTiersAlertName = (vertical: string): string =>
  `${alertNamePrefix(vertical)}CustomerTiersUnknown`;

const infoSelector = (customers: CustomersConfig, vertical: string) =>
  `${customers.infoMetric}{${customers.verticalLabel}="${vertical}"}`;

/** The group, or undefined when the vertical has no per-customer alert to take a tier. */
export function customerTiersGroup(
  config: StackConfig,
  vertical: { id: string; strictestTier: string },
  alerts: readonly Alert[],
  source: RuleSource,
): RuleGroup | undefined {
  if (!alerts.some((alert) => alert.scope === "customer")) return undefined;
  const { customers } = config;
  const info = infoSelector(customers, vertical.id);
  const alert: Alert = {
    kind: "alert",
    name: customerTiersAlertName(vertical.id),
    vertical: vertical.id,
    group: CUSTOMER_TIERS_GROUP,
    expr: `absent(${info})`,
    for: customers.absentFor,
    alertType: "infra",
    severity: "warning",
    team: ownerOf(config, "infra", undefined),
    scope: "vertical",
    labels: { [LABEL.alertType]: "infra", [LABEL.severity]: "warning" },
    annotations: {
      summary: `Customer tiers of ${vertical.id} are unknown`,
      description: `No ${info} series for ${customers.absentFor}: billing's exporter is down or not scraped. Per-customer alerts of ${vertical.id} still fire, but at its strictest tier (${vertical.strictestTier}), so customers on cheaper tiers may page at any hour until it is back.`,
    },
    source,
    customerTiers: true,
  };
  return { name: CUSTOMER_TIERS_GROUP, rules: [alert] };
}

/**
 * Where the catalogue already uses the generated group's or alert's name, as a rule file cannot hold
 * two groups of one name (promtool refuses it) and the generated cases would judge the wrong alert.
 */
export function customerTiersClashes(
  catalogue: readonly RuleGroup[],
  generated: RuleGroup,
): { path: string; message: string }[] {
  const clashes: { path: string; message: string }[] = [];
  catalogue.forEach((group, g) => {
    if (group.name === generated.name)
      clashes.push({
        path: `groups[${g}].name`,
        message: `"${group.name}" is the group the render generates for the customer-tiers alert (the vertical has per-customer alerts); rename this group`,
      });
    for (const rule of group.rules) {
      if (
        rule.kind === "alert" &&
        generated.rules.some((own) => own.kind === "alert" && own.name === rule.name)
      )
        clashes.push({
          path: `${rule.source.path}.alert`,
          message: `"${rule.name}" is the alert the render generates when the vertical's customer tiers are unknown (the vertical has per-customer alerts); rename this alert`,
        });
    }
  });
  return clashes;
}

/** Two cases: the vertical's info series absent for `absentFor` fires it; present, it stays quiet. */
export function customerTiersTests(customers: CustomersConfig, alert: Alert): PromtoolTestGroup[] {
  const minutes = Math.ceil((parseDuration(customers.absentFor) ?? 600) / 60);
  const info = (vertical: string) =>
    `${customers.infoMetric}{${customers.customerLabel}="acme",${customers.verticalLabel}="${vertical}",${customers.tierLabel}="enterprise"}`;
  const span = `1x${minutes + 5}`;
  return [
    {
      name: `${alert.name}: fires once no info series of ${alert.vertical} has been seen for ${customers.absentFor}`,
      interval: "1m",
      input_series: [{ series: info(`not-${alert.vertical}`), values: span }],
      alert_rule_test: [
        { eval_time: `${Math.max(0, minutes - 1)}m`, alertname: alert.name, exp_alerts: [] },
        {
          eval_time: `${minutes + 1}m`,
          alertname: alert.name,
          exp_alerts: [
            {
              exp_labels: { [customers.verticalLabel]: alert.vertical },
              exp_annotations: alert.annotations,
            },
          ],
        },
      ],
    },
    {
      name: `${alert.name}: quiet while ${alert.vertical}'s info series is there`,
      interval: "1m",
      input_series: [{ series: info(alert.vertical), values: span }],
      alert_rule_test: [{ eval_time: `${minutes + 1}m`, alertname: alert.name, exp_alerts: [] }],
    },
  ];
}
