// The one place that spells label keys, label values, receiver names, file names and group names.
// Every other module imports them from here, so a rename happens once.

import { WEEKDAY_NAMES } from "../alertmanager/wallClock";

export const PROJECT = "agent-alert-routing";

export const LABEL = {
  alertType: "alert_type",
  severity: "severity",
  team: "team",
  vertical: "vertical",
  toolName: "tool_name",
  tier: "tier",
  /** The default name of the label that names a customer (`customers.customerLabel`). */
  customer: "customer",
  /** `impact: vertical` on an infra alert: the whole vertical is down for everyone it serves. */
  impact: "impact",
  priority: "priority",
  /**
   * What an alert is a symptom of (`ftl-latency`): alerts of one symptom at different strengths, and
   * an SLO's burn-rate alerts, share it, so the strongest one firing holds the weaker ones back.
   */
  symptom: "symptom",
  category: "category",
  autoRemediation: "auto_remediation",
  alertName: "alertname",
  /** On SLO recording rules and alerts: the SLO's name, and the window a ratio is taken over. */
  slo: "slo",
  sloWindow: "slo_window",
  /** On Alertmanager's notification metrics: the integration (`pagerduty`, `slack`, `email`, `webhook`). */
  integration: "integration",
  /** On alerts that come through the bridge: the tool that sent them (`langfuse`, `langsmith`, `webhook`). */
  source: "source",
} as const;

/** The tools whose alerts enter Alertmanager through the bridge, as the `source` label spells them. */
export const BRIDGE_SOURCES = ["langfuse", "langsmith", "webhook"] as const;
export type BridgeSource = (typeof BRIDGE_SOURCES)[number];

/** The bridge's own metrics, which its alert in the `alerting` rule file reads. */
export const BRIDGE_METRICS = {
  received: "bridge_webhooks_received_total",
  rejected: "bridge_webhooks_rejected_total",
  forwarded: "bridge_alerts_forwarded_total",
  alertmanagerErrors: "bridge_alertmanager_errors_total",
  active: "bridge_active_alerts",
} as const;

/**
 * The rule file of the alerts about the alerting, beside the verticals' files: its alerts carry it as
 * their `vertical`, so a vertical of this id is refused.
 */
export const ALERTING_RULE_FILE = "alerting";

/** The `integration` values of Alertmanager 0.25's notification metrics, for the receivers we render. */
export const ALERTMANAGER_INTEGRATIONS = ["email", "pagerduty", "slack", "webhook"] as const;

export const ALERT_TYPES = ["infra", "model", "tool"] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/** `critical` pages, `warning` notifies without paging, `info` is recorded and not routed. */
export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rules written before the monitoring-mixins convention say `page`; it means `critical`. */
export const SEVERITY_ALIASES: Readonly<Record<string, Severity>> = { page: "critical" };

export const SEV1_PRIORITY = "P1";
/** The one value of `impact`: the alert says its whole vertical is down, so symptoms wait behind it. */
export const IMPACT_VERTICAL = "vertical";
export const COST_SPIKE_CATEGORY = "cost-spike";
export const WATCHDOG_ALERT = "Watchdog";

/** A model alert must hold at least this long, so a blip shorter than it pages nobody. */
export const MODEL_MIN_FOR_SECONDS = 180;
/** A paging cost-spike alert compares against at least this multiple of its baseline. */
export const COST_SPIKE_PAGE_RATIO = 5;

export const COVERAGES = ["24x7", "business-hours", "email-only"] as const;
export type Coverage = (typeof COVERAGES)[number];

export type Weekday = (typeof WEEKDAY_NAMES)[number];

/** Monday first, as ISO 8601 and PagerDuty count days; the names are Alertmanager's own. */
export const WEEKDAYS = [...WEEKDAY_NAMES.slice(1), WEEKDAY_NAMES[0]] as readonly Weekday[] as readonly [
  Weekday,
  ...Weekday[],
];

/**
 * Receiver qualifiers. A receiver is `<team>` (PagerDuty + Slack) or `<team>-<qualifier>`.
 * - sev1: the team's SEV1 PagerDuty service, whose escalation ends at the executive team.
 * - slack: Slack only, for warnings and batched cost spikes.
 * - offhours: Slack and e-mail, for a business-hours tier outside its hours.
 * - email: e-mail only, for the e-mail-only tier.
 * - heartbeat: the Watchdog's dead man's switch.
 * - unrouted: the catch-all, Slack and e-mail, so nothing is dropped silently.
 * - blackhole: `info` alerts, recorded in Alertmanager and sent nowhere.
 */
export const RECEIVER_QUALIFIERS = [
  "sev1",
  "slack",
  "offhours",
  "email",
  "heartbeat",
  "unrouted",
  "blackhole",
] as const;
export type ReceiverQualifier = (typeof RECEIVER_QUALIFIERS)[number];

export function receiverName(team: string, qualifier?: ReceiverQualifier): string {
  return qualifier ? `${team}-${qualifier}` : team;
}

/** The inverse of `receiverName`; team ids never end in a qualifier (validation refuses it). */
export function parseReceiverName(name: string): { team: string; qualifier?: ReceiverQualifier } {
  const qualifier = RECEIVER_QUALIFIERS.find((candidate) => name.endsWith(`-${candidate}`));
  return qualifier ? { team: name.slice(0, -qualifier.length - 1), qualifier } : { team: name };
}

/** Rendered rule groups are named `<vertical>-<catalogue group>`. */
export function ruleGroupName(vertical: string, group: string): string {
  return `${vertical}-${group}`;
}

/** An SLO's rules form one catalogue-level group, rendered as `<vertical>-slo-<slo>`. */
export function sloGroup(slo: string): string {
  return `slo-${slo}`;
}

/** Sloth's recording-rule name for an SLO's error ratio over a window (`slo:sli_error:ratio_rate5m`). */
export function sloErrorRatioRecord(window: string): string {
  return `slo:sli_error:ratio_rate${window}`;
}

/** SLO alerts: `<Prefix><Slo>FastBurn` pages, `<Prefix><Slo>SlowBurn` opens a ticket. */
export function sloAlertName(vertical: string, slo: string, burn: "fast" | "slow"): string {
  return `${alertNamePrefix(vertical)}${alertNamePrefix(slo)}${burn === "fast" ? "Fast" : "Slow"}Burn`;
}

/** Hand-written rule tests of `alerts/<vertical>.yaml` live in `alerts/tests/<vertical>.yaml`. */
export function catalogueTestsFile(catalogue: string): string {
  const slash = catalogue.lastIndexOf("/");
  return `${catalogue.slice(0, slash + 1)}tests/${catalogue.slice(slash + 1)}`;
}

/**
 * The rendered rule tests sit beside the rendered rule files: `<vertical>.test.yaml`, and one
 * `<vertical>.<interval>.test.yaml` per coarser evaluation interval its cases ask for.
 */
export const RULE_TEST_SUFFIX = ".test.yaml";
export function ruleTestFileName(vertical: string, evaluationInterval?: string): string {
  return `${vertical}${evaluationInterval ? `.${evaluationInterval}` : ""}${RULE_TEST_SUFFIX}`;
}

/** Alert names carry their vertical as a CamelCase prefix: `real-estate` → `RealEstate`. */
export function alertNamePrefix(vertical: string): string {
  return vertical
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/** Time interval name of a business-hours tier. */
export function tierIntervalName(tier: string): string {
  return `${tier}-hours`;
}

// Files of the Kubernetes Secret that Alertmanager mounts. The config refers to them by path.
export function pagerdutyKeyFile(receiver: string): string {
  return `pagerduty-${receiver}.key`;
}
export function slackWebhookFile(team: string): string {
  return `slack-${team}.url`;
}
/** The files a team's receivers can add to the Secret: its two PagerDuty services' keys, its Slack webhook. */
export function teamSecretFiles(team: string): string[] {
  return [pagerdutyKeyFile(team), pagerdutyKeyFile(receiverName(team, "sev1")), slackWebhookFile(team)];
}
export const SMTP_PASSWORD_FILE = "smtp-password";
export const HEARTBEAT_TOKEN_FILE = "heartbeat-token";

/** Names of the Kubernetes objects this program declares. */
export const OBJECT_NAMES = {
  ruleConfigMap: (vertical: string, shard: number) => `${PROJECT}-rules-${vertical}-${shard}`,
  prometheusRule: (vertical: string, shard: number) => `${PROJECT}-${vertical}-${shard}`,
  alertmanagerConfigMap: `${PROJECT}-alertmanager`,
  /** The Secret an operator-managed Alertmanager names in `configSecret`. */
  alertmanagerConfigSecret: `${PROJECT}-alertmanager-config`,
  /** The key files; in operator mode, listed in the Alertmanager's `spec.secrets`. */
  alertmanagerKeySecret: `${PROJECT}-alertmanager-secrets`,
  /** The bridge's Deployment, Service, settings ConfigMap and webhook Secret share this name. */
  bridge: `${PROJECT}-bridge`,
} as const;

/** The bridge's files: its settings (a ConfigMap) and its webhook secret (a Secret), mounted apart. */
export const BRIDGE_SETTINGS_FILE = "bridge.json";
export const BRIDGE_SECRET_FILE = "webhook-secret";
export const BRIDGE_PORT = 8080;
/** The package's version (package.json's, which a test holds it to): the bridge image's default tag. */
export const PACKAGE_VERSION = "0.1.0";
export const BRIDGE_IMAGE = `ghcr.io/callsphere/${PROJECT}-bridge`;

export const ALERTMANAGER_CONFIG_KEY = "alertmanager.yaml";
export const VERTICAL_LABEL = `${PROJECT}/vertical`;
export const SHARD_LABEL = `${PROJECT}/shard`;
export const STRICTEST_TIER_ANNOTATION = `${PROJECT}/strictest-tier`;
export const ruleFileKey = (vertical: string, shard: number): string => `${vertical}-${shard}.rules.yaml`;
export const routeFileKey = (vertical: string): string => `${vertical}.route.yaml`;

/**
 * The sentence a PagerDuty service of this stack carries in its description, so a service of the
 * same name in the account can be told apart from ours (PagerDuty refuses a second one).
 */
export const managedByStack = (stack: string): string => `Managed by ${PROJECT}, stack ${stack}.`;

/** Labels every Kubernetes object of this program carries. */
export function objectLabels(component: string): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": PROJECT,
    "app.kubernetes.io/part-of": PROJECT,
    "app.kubernetes.io/component": component,
  };
}

/** Keys of the stack config, under the project's namespace (`agent-alert-routing:<key>`). */
export const CONFIG_KEYS = {
  teams: "teams",
  routing: "routing",
  toolOwners: "toolOwners",
  tiers: "tiers",
  verticals: "verticals",
  alertmanager: "alertmanager",
  email: "email",
  pagerduty: "pagerduty",
  slack: "slack",
  kubernetes: "kubernetes",
  bridge: "bridge",
} as const;

/** Secret config keys: each is a Pulumi secret (`pulumi config set --secret`). */
export const SECRET_CONFIG_KEYS = {
  slackToken: "slackToken",
  slackWebhookUrls: "slackWebhookUrls",
  smtpPassword: "smtpPassword",
  heartbeatToken: "heartbeatToken",
  /** The shared secret of the bridge's webhooks: Langfuse signs with it, LangSmith and others send it. */
  bridgeWebhookSecret: "bridgeWebhookSecret",
} as const;

/**
 * Secret config keys of other namespaces that `pulumi up` reads (the PagerDuty provider's API
 * tokens): set in the stack file, each must be a Pulumi secret. Each with its value's placeholder.
 */
export const PROVIDER_SECRET_KEYS = { "pagerduty:token": "token", "pagerduty:userToken": "token" } as const;

export const PROMETHEUS_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Labels that tell the replicas of a highly available pair apart: the Prometheus Operator's
 * `replicaExternalLabelName` default, Thanos' `replica` and `rule_replica` conventions, and the
 * HA tracker label of Cortex and Mimir. Each replica's copy of an alert differs in it, so an alert
 * or a `group_by` that keeps it splits one alert into one per replica, each paging on its own.
 */
export const REPLICA_LABELS = ["prometheus_replica", "replica", "rule_replica", "__replica__"] as const;

export const isReplicaLabel = (name: string): boolean => (REPLICA_LABELS as readonly string[]).includes(name);
export const KEBAB_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Pulumi type tokens of the resources the program declares and the tools read back. */
export const RESOURCE_TYPES = {
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
  prometheusRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  service: "pagerduty:index/service:Service",
  serviceIntegration: "pagerduty:index/serviceIntegration:ServiceIntegration",
  escalationPolicy: "pagerduty:index/escalationPolicy:EscalationPolicy",
  schedule: "pagerduty:index/schedule:Schedule",
  team: "pagerduty:index/team:Team",
  /** The Slack channels, declared through a dynamic provider. */
  dynamic: "pulumi-nodejs:dynamic:Resource",
} as const;
