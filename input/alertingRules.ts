// Alerts about the alerting itself: Alertmanager failing to notify, Prometheus failing to evaluate a
// rule, either failing to reload its configuration, and Prometheus' queue towards Alertmanager
// filling up. Generated for the infra (platform) team into a rule file of their own, `alerting`,
// which sits beside the verticals' files as one more: its alerts carry `vertical: alerting`, and its
// Watchdog proves the file is loaded. Each alert comes with its `promtool test rules` cases.
import {
  ALERTING_RULE_FILE,
  alertNamePrefix,
  BRIDGE_METRICS,
  LABEL,
  type Severity,
  WATCHDOG_ALERT,
} from "../core/conventions";
import { ownerOf } from "../core/ownership";
import type { Alert, PromtoolTestGroup, RuleGroup } from "../core/rules";
import type { Slo } from "../slo/spec";
import type { StackConfig } from "./config";

/** What the plan reads of a rule file: a vertical's, and this one alike. */
export interface RuleFileSource {
  id: string;
  groups: RuleGroup[];
  slos: Slo[];
  ruleTests: PromtoolTestGroup[];
}

const GROUP = "alerting";
const name = (suffix: string) => `${alertNamePrefix(ALERTING_RULE_FILE)}${suffix}`;

/** The alerts, each with the label its expression keeps and a promtool case that fires it. */
interface SelfAlert {
  suffix: string;
  expr: string;
  for: string;
  severity: Severity;
  /** The label the expression keeps, which names what failed. */
  by: string;
  summary: string;
  description: string;
  test: { series: { series: string; values: string }[]; quietAt: string; firesAt: string; labels: string };
}

const SELF_ALERTS: readonly SelfAlert[] = [
  {
    suffix: "NotificationsFailing",
    // Alertmanager counts a notification as failed once its retries give up: a page, a Slack message
    // or an e-mail that nobody received. Routed around the failing integration (plan/routes.ts).
    expr: `sum by (${LABEL.integration}) (increase(alertmanager_notifications_failed_total[10m])) > 0`,
    for: "1m",
    severity: "critical",
    by: LABEL.integration,
    summary: "Alertmanager fails to deliver notifications through {{ $labels.integration }}",
    description:
      "Alertmanager gave up on notifications through {{ $labels.integration }} in the last 10 minutes: alerts that should have reached someone did not. Check Alertmanager's log for the integration's error (a revoked key, a deleted webhook, the SMTP relay) and the provider's status page.",
    test: {
      series: [
        { series: 'alertmanager_notifications_failed_total{integration="pagerduty"}', values: "0x5 1x20" },
        { series: 'alertmanager_notifications_failed_total{integration="slack"}', values: "0x25" },
      ],
      quietAt: "5m",
      firesAt: "9m",
      labels: "pagerduty",
    },
  },
  {
    suffix: "RuleEvaluationFailures",
    expr: `sum by (rule_group) (increase(prometheus_rule_evaluation_failures_total[10m])) > 0`,
    for: "5m",
    severity: "critical",
    by: "rule_group",
    summary: "Prometheus fails to evaluate rules of {{ $labels.rule_group }}",
    description:
      "Rules of {{ $labels.rule_group }} failed to evaluate in the last 10 minutes: while a rule fails, its alert cannot fire. Prometheus logs the error per rule; a per-customer rule fails when the customer info series lists one customer twice with different labels.",
    test: {
      series: [
        {
          series:
            'prometheus_rule_evaluation_failures_total{rule_group="/etc/prometheus/rules/sales-0.rules.yaml;sales-latency"}',
          values: "0x5 1x20",
        },
      ],
      quietAt: "5m",
      firesAt: "13m",
      labels: "/etc/prometheus/rules/sales-0.rules.yaml;sales-latency",
    },
  },
  {
    suffix: "PrometheusConfigReloadFailed",
    // max_over_time: a scrape that fails must not hide the failed reload.
    expr: "max by (instance) (max_over_time(prometheus_config_last_reload_successful[5m])) == 0",
    for: "10m",
    severity: "critical",
    by: "instance",
    summary: "Prometheus {{ $labels.instance }} failed to reload its configuration",
    description:
      "Prometheus {{ $labels.instance }} keeps running its previous configuration: rules rendered since (a new vertical, a changed threshold) are not evaluated. Its log names the file and line it refused.",
    test: {
      series: [
        {
          series: 'prometheus_config_last_reload_successful{instance="prometheus:9090"}',
          values: "1x5 0x30",
        },
      ],
      quietAt: "15m",
      firesAt: "25m",
      labels: "prometheus:9090",
    },
  },
  {
    suffix: "AlertmanagerConfigReloadFailed",
    expr: "max by (instance) (max_over_time(alertmanager_config_last_reload_successful[5m])) == 0",
    for: "10m",
    severity: "critical",
    by: "instance",
    summary: "Alertmanager {{ $labels.instance }} failed to reload its configuration",
    description:
      "Alertmanager {{ $labels.instance }} keeps routing with its previous configuration: the routes, receivers and inhibit rules of the last deploy are not in force. Run amtool check-config on the deployed file; its log names what it refused.",
    test: {
      series: [
        {
          series: 'alertmanager_config_last_reload_successful{instance="alertmanager:9093"}',
          values: "1x5 0x30",
        },
      ],
      quietAt: "15m",
      firesAt: "25m",
      labels: "alertmanager:9093",
    },
  },
  {
    suffix: "NotificationQueueFull",
    expr: "max by (instance) (prometheus_notifications_queue_length) / max by (instance) (prometheus_notifications_queue_capacity) > 0.9",
    for: "5m",
    severity: "critical",
    by: "instance",
    summary: "Prometheus {{ $labels.instance }}'s queue of alerts to Alertmanager is nearly full",
    description:
      "Prometheus {{ $labels.instance }} holds more than 90% of the alerts its queue can take before sending them to Alertmanager; once full it drops them. Alertmanager is slow or unreachable from Prometheus, or too many alerts fire at once.",
    test: {
      series: [
        {
          series: 'prometheus_notifications_queue_length{instance="prometheus:9090"}',
          values: "0x5 9500x20",
        },
        { series: 'prometheus_notifications_queue_capacity{instance="prometheus:9090"}', values: "10000x25" },
      ],
      quietAt: "5m",
      firesAt: "13m",
      labels: "prometheus:9090",
    },
  },
];

/** With a bridge: its posts to Alertmanager failing, which loses the alerts of Langfuse and LangSmith. */
const BRIDGE_ALERT: SelfAlert = {
  suffix: "BridgeForwardingFailing",
  // Each failed attempt counts; a blip of a few retries that then succeed stays under the `for`.
  expr: `sum by (alertmanager) (increase(${BRIDGE_METRICS.alertmanagerErrors}[5m])) > 0`,
  for: "5m",
  severity: "critical",
  by: "alertmanager",
  summary: "The alert bridge fails to post to Alertmanager {{ $labels.alertmanager }}",
  description:
    "For 5 minutes the bridge's posts to {{ $labels.alertmanager }} have failed: alerts from Langfuse, LangSmith and other webhooks may not reach anyone, and active ones resolve once resolve_timeout passes. Check the bridge's log and that Alertmanager is reachable from its pods (docs/bridge.md).",
  test: {
    series: [
      {
        series: `${BRIDGE_METRICS.alertmanagerErrors}{alertmanager="http://alertmanager-operated.monitoring:9093"}`,
        values: "0x5 0+3x20",
      },
    ],
    quietAt: "5m",
    firesAt: "13m",
    labels: "http://alertmanager-operated.monitoring:9093",
  },
};

/** `{{ $labels.<by> }}` of an annotation, as promtool expands it for one alert. */
function expand(text: string, by: string, value: string): string {
  return text.replaceAll(`{{ $labels.${by} }}`, value);
}

function runbookUrl(config: StackConfig, suffix: string): Record<string, string> {
  const base = config.alertmanager.alertingRunbookBaseUrl;
  if (!base) return {};
  const slug = suffix.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
  return { runbook_url: `${base.replace(/\/$/, "")}/${ALERTING_RULE_FILE}/${slug}` };
}

/** The rule file `alerting`, owned by the infra team, with a generated test per alert. */
export function alertingRuleFile(config: StackConfig): RuleFileSource {
  const team = ownerOf(config, "infra", undefined);
  const source = { file: "(generated)", path: ALERTING_RULE_FILE };
  const alert = (
    spec: Omit<Alert, "kind" | "vertical" | "group" | "alertType" | "team" | "scope" | "source">,
  ): Alert => ({
    kind: "alert",
    vertical: ALERTING_RULE_FILE,
    group: GROUP,
    alertType: "infra",
    team,
    scope: "vertical",
    source,
    ...spec,
  });
  const watchdog = alert({
    name: WATCHDOG_ALERT,
    expr: "vector(1)",
    severity: "info",
    labels: { [LABEL.alertType]: "infra", [LABEL.severity]: "info" },
    annotations: {
      summary: "Heartbeat of the alerts about the alerting (always firing)",
      description:
        "This alert always fires. Its heartbeat proves the rule file of the alerts about the alerting is loaded; if it stops arriving, nothing watches Alertmanager and Prometheus.",
    },
  });
  const specs = config.bridge ? [...SELF_ALERTS, BRIDGE_ALERT] : SELF_ALERTS;
  const alerts = specs.map((spec) =>
    alert({
      name: name(spec.suffix),
      expr: spec.expr,
      for: spec.for,
      severity: spec.severity,
      labels: { [LABEL.alertType]: "infra", [LABEL.severity]: spec.severity },
      annotations: {
        summary: spec.summary,
        description: spec.description,
        ...runbookUrl(config, spec.suffix),
      },
    }),
  );
  const ruleTests: PromtoolTestGroup[] = specs.map((spec, i) => {
    const { annotations } = alerts[i];
    return {
      name: `${alerts[i].name}: quiet at first, firing once its condition has held for ${spec.for}`,
      interval: "1m",
      input_series: spec.test.series,
      alert_rule_test: [
        { eval_time: spec.test.quietAt, alertname: alerts[i].name, exp_alerts: [] },
        {
          eval_time: spec.test.firesAt,
          alertname: alerts[i].name,
          exp_alerts: [
            {
              exp_labels: { [spec.by]: spec.test.labels },
              exp_annotations: Object.fromEntries(
                Object.entries(annotations).map(([key, text]) => [
                  key,
                  expand(text, spec.by, spec.test.labels),
                ]),
              ),
            },
          ],
        },
      ],
    };
  });
  const heartbeat: PromtoolTestGroup = {
    name: `${WATCHDOG_ALERT}: always firing, the heartbeat of this rule file`,
    interval: "1m",
    input_series: [],
    alert_rule_test: [
      {
        eval_time: "1m",
        alertname: WATCHDOG_ALERT,
        exp_alerts: [{ exp_labels: {}, exp_annotations: watchdog.annotations }],
      },
    ],
  };
  const groups: RuleGroup[] = [{ name: GROUP, rules: [watchdog, ...alerts] }];
  return { id: ALERTING_RULE_FILE, groups, slos: [], ruleTests: [heartbeat, ...ruleTests] };
}
