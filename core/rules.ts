// The rules every stage speaks of: a checked alert or recording rule with our routing facts, the
// rule as Prometheus reads it, and a `promtool test rules` case.
import type { AlertType, Severity } from "./conventions";

/** Where a rule is defined, for messages: `alerts/sales.yaml` and `groups[1].rules[0]`. */
export interface RuleSource {
  file: string;
  path: string;
}

export interface Alert {
  kind: "alert";
  name: string;
  vertical: string;
  group: string;
  expr: string;
  for?: string;
  keepFiringFor?: string;
  alertType: AlertType;
  severity: Severity;
  /** The team that owns the alert, as routing decides it. */
  team: string;
  toolName?: string;
  tier?: string;
  /**
   * `customer`: the expression keeps the customer label, and the rule takes each customer's tier
   * from the customer info series; `vertical`: one alert for everyone, at the vertical's strictest tier.
   */
  scope: AlertScope;
  priority?: string;
  category?: string;
  /** Labels as the catalogue wrote them, with `severity` normalised. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  source: RuleSource;
  /** Set on the alerts an SLO generates: the SLO's name. */
  slo?: string;
  /** Set on the platform's own alert about unknown customer tiers, which no catalogue writes. */
  customerTiers?: true;
}

export type AlertScope = "vertical" | "customer";

export interface RecordingRule {
  kind: "record";
  record: string;
  vertical: string;
  group: string;
  expr: string;
  labels: Record<string, string>;
  source: RuleSource;
}

export type Rule = Alert | RecordingRule;

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

/**
 * A rule as a Prometheus rule file holds it: what the plan renders, the cluster receives and the
 * policy pack reads back from the declared objects.
 */
export interface RenderedRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function alertsOf(vertical: { groups: readonly RuleGroup[] }): Alert[] {
  return vertical.groups.flatMap((group) =>
    group.rules.filter((rule): rule is Alert => rule.kind === "alert"),
  );
}

/** One `tests:` entry of promtool's format, with our `evaluation_interval` per group. */
export interface PromtoolTestGroup {
  name: string;
  /** Runs the group in a file of its own at this evaluation interval. */
  evaluation_interval?: string;
  interval?: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: {
    eval_time: string;
    alertname: string;
    exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
  }[];
}
