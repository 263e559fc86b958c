// The routing plan: everything that decides where an alert goes, as plain data. Renderers serialise
// it and components declare it; neither adds a decision of its own.
import type { BusinessHours } from "./businessHours";
import type { TeamConfig, Timing } from "./config";
import {
  COST_SPIKE_CATEGORY,
  HEARTBEAT_TOKEN_FILE,
  LABEL,
  OBJECT_NAMES,
  pagerdutyKeyFile,
  parseReceiverName,
  type ReceiverQualifier,
  receiverName,
  ruleGroupName,
  SECRET_CONFIG_KEYS,
  SEV1_PRIORITY,
  SEVERITY_ALIASES,
  SMTP_PASSWORD_FILE,
  slackWebhookFile,
  tierIntervalName,
  WATCHDOG_ALERT,
} from "./conventions";
import { tierHours } from "./coverage";
import { parseDuration } from "./duration";
import type { Alert, AlertingModel, Rule, Vertical } from "./index";
import { buildOnCallPlan, type OnCallPlan } from "./onCall";
import { toolOwnerEntries } from "./ownership";
import { buildRuleTestFiles, type RuleTestFilePlan } from "./ruleTests";

export type MatchOp = "=" | "!=" | "=~" | "!~";
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

export interface RoutePlan {
  matchers: Matcher[];
  receiver?: string;
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  continue?: boolean;
  activeTimeIntervals?: string[];
  muteTimeIntervals?: string[];
  routes?: RoutePlan[];
}

export interface ReceiverPlan {
  name: string;
  team: string;
  qualifier?: ReceiverQualifier;
  /** The PagerDuty service this receiver pages, named like the receiver. */
  pagerduty?: { service: string; keyFile: string };
  slack?: { channel: string; webhookFile: string };
  email?: { to: string };
  heartbeat?: { url: string; tokenFile: string };
}

export interface TimeIntervalPlan {
  name: string;
  tier: string;
  hours: BusinessHours;
}

export interface InhibitRulePlan {
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
}

export interface RenderedRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleFilePlan {
  vertical: string;
  groups: { name: string; interval?: string; rules: RenderedRule[] }[];
}

/** A secret config value: a key, and the entry inside it when the value is an object. */
export interface SecretRef {
  configKey: (typeof SECRET_CONFIG_KEYS)[keyof typeof SECRET_CONFIG_KEYS];
  field?: string;
}

/**
 * A file in the Alertmanager Secret and where its value comes from: a secret config value, or the
 * integration key of the PagerDuty service that a paging receiver is named after.
 */
export type SecretFilePlan = { file: string } & (
  | { source: "config"; secret: SecretRef }
  | { source: "integration"; receiver: string }
);

export interface AlertmanagerGlobalPlan {
  resolveTimeout: string;
  smtp: { from: string; smarthost: string; authUsername: string; passwordFile: string; requireTls: boolean };
  pagerdutyUrl?: string;
}

export interface AlertingPlan {
  stack: string;
  global: AlertmanagerGlobalPlan;
  route: RoutePlan;
  /** The subtree of each vertical, in the same order as in `route.routes`. */
  verticalRoutes: { vertical: string; route: RoutePlan }[];
  receivers: ReceiverPlan[];
  timeIntervals: TimeIntervalPlan[];
  inhibitRules: InhibitRulePlan[];
  ruleFiles: RuleFilePlan[];
  /** One `promtool test rules` file per vertical: its hand-written cases and its SLOs' generated ones. */
  ruleTests: RuleTestFilePlan[];
  secretFiles: SecretFilePlan[];
  /** Every secret config value the program needs, for the check that each is set as a secret. */
  secretInputs: SecretRef[];
  /** Absolute directory where Alertmanager finds the Secret's files. */
  secretMountPath: string;
  onCall: OnCallPlan;
  kubernetes: KubernetesPlan;
  /** Each vertical's default tier, which an alert without a tier label takes. */
  verticalDefaultTiers: { vertical: string; tier: string }[];
}

export interface KubernetesPlan {
  mode: "configmap" | "operator" | "both";
  namespace: string;
  namespaceExists: boolean;
  kubeconfigPath?: string;
  context?: string;
  ruleSelectorLabels: Record<string, string>;
  shardBudgetBytes: number;
}

/** Where Alertmanager finds the key files: configured, or where the Prometheus Operator mounts them. */
function secretMountPath(config: AlertingModel["config"]["kubernetes"]): string {
  if (config.secretMountPath) return config.secretMountPath;
  return config.mode === "operator"
    ? `/etc/alertmanager/secrets/${OBJECT_NAMES.alertmanagerKeySecret}`
    : "/etc/alertmanager/secrets";
}

const eq = (name: string, value: string): Matcher => ({ name, op: "=", value });

/** Matches `critical` and its aliases, so rules written with `severity: page` still page. */
function criticalMatcher(): Matcher {
  const aliases = Object.entries(SEVERITY_ALIASES)
    .filter(([, severity]) => severity === "critical")
    .map(([alias]) => alias);
  return aliases.length === 0
    ? eq(LABEL.severity, "critical")
    : { name: LABEL.severity, op: "=~", value: ["critical", ...aliases].join("|") };
}

function timed(route: RoutePlan, timing: Timing): RoutePlan {
  return {
    ...route,
    groupWait: timing.groupWait,
    groupInterval: timing.groupInterval,
    repeatInterval: timing.repeatInterval,
  };
}

/**
 * When an owner is paged under a tier: always, inside some business hours (the names of their time
 * intervals), or never. The stricter of the tier's coverage and the team's on-call coverage wins.
 */
function pagingWindow(model: AlertingModel, owner: string, tier: string): "always" | string[] | "never" {
  const tierCoverage = model.tiers.get(tier);
  const team = model.coverage.get(owner) ?? { kind: "email-only" };
  if (!tierCoverage || tierCoverage.coverage === "email-only" || team.kind === "email-only") return "never";
  if (tierCoverage.coverage === "business-hours") return [tierIntervalName(tier)];
  return team.kind === "24x7" ? "always" : team.tiers.map(tierIntervalName);
}

/** The routes of one owner under one tier: who is paged, who is told, and when. */
function tierLeaf(
  model: AlertingModel,
  vertical: Vertical,
  owner: string,
  tier: string,
): RoutePlan[] | string {
  const window = pagingWindow(model, owner, tier);
  const { timings } = model.config.alertmanager;
  if (window === "never") return receiverName(owner, "email");
  const paging: RoutePlan[] = [];
  if (vertical.sev1EscalatesToExec) {
    paging.push({
      matchers: [criticalMatcher(), eq(LABEL.priority, SEV1_PRIORITY)],
      receiver: receiverName(owner, "sev1"),
    });
  }
  paging.push({ matchers: [criticalMatcher()], receiver: receiverName(owner) });
  const warning = timed(
    { matchers: [eq(LABEL.severity, "warning")], receiver: receiverName(owner, "slack") },
    timings.warning,
  );
  if (window === "always") return [...paging.map((route) => timed(route, timings.critical)), warning];
  // Time intervals mute a route without making it stop matching, so a business-hours page is a pair:
  // the pager route, active in hours, continues to its twin, which is muted in hours and tells
  // Slack and e-mail outside them. The twins share a route key (same matchers); that is harmless,
  // since Alertmanager logs notifications per receiver and only the pager route pages.
  return [
    ...paging.flatMap((route) => [
      timed({ ...route, continue: true, activeTimeIntervals: window }, timings.critical),
      timed(
        { matchers: route.matchers, receiver: receiverName(owner, "offhours"), muteTimeIntervals: window },
        timings.critical,
      ),
    ]),
    warning,
  ];
}

/** An owner's routes: batched cost spikes first, then one branch per tier and one for the default. */
function ownerRoutes(model: AlertingModel, vertical: Vertical, owner: string): RoutePlan[] {
  const costSpike = timed(
    {
      matchers: [eq(LABEL.category, COST_SPIKE_CATEGORY), eq(LABEL.severity, "warning")],
      receiver: receiverName(owner, "slack"),
    },
    model.config.alertmanager.costSpike,
  );
  const tierRoute = (matcher: Matcher, tier: string): RoutePlan => {
    const leaf = tierLeaf(model, vertical, owner, tier);
    return typeof leaf === "string"
      ? timed({ matchers: [matcher], receiver: leaf }, model.config.alertmanager.timings.warning)
      : { matchers: [matcher], routes: leaf };
  };
  // An alert without a tier label takes its vertical's default. An unknown tier value matches no
  // branch and reaches the catch-all, where a human sees the typo.
  return [
    costSpike,
    ...[...model.tiers.keys()].sort().map((tier) => tierRoute(eq(LABEL.tier, tier), tier)),
    tierRoute(eq(LABEL.tier, ""), vertical.defaultTier),
  ];
}

function verticalRoute(model: AlertingModel, vertical: Vertical): RoutePlan {
  const { routing, alertmanager } = model.config;
  const toolGroupBy = [...alertmanager.groupBy, LABEL.toolName].filter((v, i, all) => all.indexOf(v) === i);
  const toolRoutes: RoutePlan[] = toolOwnerEntries(model.config).map(([tool, team]) => ({
    matchers: [eq(LABEL.toolName, tool)],
    routes: ownerRoutes(model, vertical, team),
  }));
  // The fallback has no matchers, so its route key stays the same when a tool owner is added.
  toolRoutes.push({ matchers: [], routes: ownerRoutes(model, vertical, routing.toolFallbackTeam) });
  return {
    matchers: [eq(LABEL.vertical, vertical.id)],
    routes: [
      { matchers: [eq(LABEL.alertType, "infra")], routes: ownerRoutes(model, vertical, routing.infraTeam) },
      { matchers: [eq(LABEL.alertType, "model")], routes: ownerRoutes(model, vertical, routing.modelTeam) },
      { matchers: [eq(LABEL.alertType, "tool")], groupBy: toolGroupBy, routes: toolRoutes },
    ],
  };
}

function collectReceivers(route: RoutePlan, into: Set<string>): void {
  if (route.receiver) into.add(route.receiver);
  for (const child of route.routes ?? []) collectReceivers(child, into);
}

function receiverPlan(
  model: AlertingModel,
  name: string,
  team: TeamConfig,
  qualifier: ReceiverQualifier | undefined,
): ReceiverPlan {
  const slack = { channel: team.slackChannel, webhookFile: slackWebhookFile(team.id) };
  const email = { to: team.email };
  const base = { name, team: team.id, qualifier };
  switch (qualifier) {
    case undefined:
    case "sev1":
      return { ...base, pagerduty: { service: name, keyFile: pagerdutyKeyFile(name) }, slack };
    case "slack":
      return { ...base, slack };
    case "offhours":
    case "unrouted":
      return { ...base, slack, email };
    case "email":
      return { ...base, email };
    case "heartbeat":
      return {
        ...base,
        heartbeat: { url: model.config.alertmanager.heartbeat.url, tokenFile: HEARTBEAT_TOKEN_FILE },
      };
    case "blackhole":
      return base;
  }
}

function buildReceivers(model: AlertingModel, route: RoutePlan): ReceiverPlan[] {
  const names = new Set<string>();
  collectReceivers(route, names);
  return [...names].sort().map((name) => {
    const { team, qualifier } = parseReceiverName(name);
    const config = model.teams.get(team);
    if (!config) throw new Error(`receiver ${name} names no team`);
    return receiverPlan(model, name, config, qualifier);
  });
}

function buildTimeIntervals(model: AlertingModel): TimeIntervalPlan[] {
  return [...model.tiers.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([tier, config]) => {
      const hours = tierHours(config);
      return hours ? [{ name: tierIntervalName(tier), tier, hours }] : [];
    });
}

/** Our routing labels first, in a fixed order, then the catalogue's own labels as written. */
function ruleLabels(alert: Alert): Record<string, string> {
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

function renderRule(rule: Rule): RenderedRule {
  if (rule.kind === "record") {
    return {
      record: rule.record,
      expr: rule.expr,
      ...(Object.keys(rule.labels).length ? { labels: rule.labels } : {}),
    };
  }
  const out: RenderedRule = { alert: rule.name, expr: rule.expr };
  if (rule.for) out.for = rule.for;
  if (rule.keepFiringFor) out.keep_firing_for = rule.keepFiringFor;
  out.labels = ruleLabels(rule);
  if (Object.keys(rule.annotations).length) out.annotations = rule.annotations;
  return out;
}

function buildRuleFile(vertical: Vertical): RuleFilePlan {
  return {
    vertical: vertical.id,
    groups: vertical.groups.map((group) => ({
      name: ruleGroupName(vertical.id, group.name),
      ...(group.interval ? { interval: group.interval } : {}),
      rules: group.rules.map(renderRule),
    })),
  };
}

function buildSecretFiles(receivers: ReceiverPlan[]): SecretFilePlan[] {
  const files = new Map<string, SecretFilePlan>();
  const fromConfig = (file: string, configKey: SecretRef["configKey"], field?: string) =>
    files.set(file, {
      file,
      source: "config",
      secret: field === undefined ? { configKey } : { configKey, field },
    });
  for (const receiver of receivers) {
    if (receiver.pagerduty) {
      const file = receiver.pagerduty.keyFile;
      files.set(file, { file, source: "integration", receiver: receiver.pagerduty.service });
    }
    if (receiver.slack)
      fromConfig(receiver.slack.webhookFile, SECRET_CONFIG_KEYS.slackWebhookUrls, receiver.team);
    if (receiver.email) fromConfig(SMTP_PASSWORD_FILE, SECRET_CONFIG_KEYS.smtpPassword);
    if (receiver.heartbeat) fromConfig(HEARTBEAT_TOKEN_FILE, SECRET_CONFIG_KEYS.heartbeatToken);
  }
  return [...files.values()].sort((a, b) => a.file.localeCompare(b.file));
}

/** The secrets behind the Secret's files, and the Slack token that manages the teams' channels. */
function buildSecretInputs(files: readonly SecretFilePlan[]): SecretRef[] {
  const refs = files.flatMap((file) => (file.source === "config" ? [file.secret] : []));
  return [{ configKey: SECRET_CONFIG_KEYS.slackToken }, ...refs];
}

/**
 * Alertmanager re-sends a group at a group_interval tick only when more than repeat_interval has
 * passed; with the two equal, a tick arrives a hair early and the heartbeat halves its rate. So the
 * repeat is set a tenth below the interval the dead man's switch expects.
 */
function heartbeatRepeat(interval: string): string {
  return `${Math.max(1, Math.floor((parseDuration(interval) ?? 60) * 0.9))}s`;
}

export function buildPlan(model: AlertingModel): AlertingPlan {
  const { routing, alertmanager, email, kubernetes } = model.config;
  const verticalRoutes = model.verticals.map((vertical) => ({
    vertical: vertical.id,
    route: verticalRoute(model, vertical),
  }));
  const route: RoutePlan = timed(
    {
      matchers: [],
      receiver: receiverName(routing.catchAllTeam, "unrouted"),
      groupBy: alertmanager.groupBy,
      routes: [
        {
          matchers: [eq(LABEL.alertName, WATCHDOG_ALERT)],
          receiver: receiverName(routing.heartbeatTeam, "heartbeat"),
          groupWait: "0s",
          groupInterval: alertmanager.heartbeat.repeatInterval,
          repeatInterval: heartbeatRepeat(alertmanager.heartbeat.repeatInterval),
        },
        { matchers: [eq(LABEL.severity, "info")], receiver: receiverName(routing.catchAllTeam, "blackhole") },
        ...verticalRoutes.map(({ route: subtree }) => subtree),
      ],
    },
    alertmanager.timings.warning,
  );
  const receivers = buildReceivers(model, route);
  const secretFiles = buildSecretFiles(receivers);
  return {
    stack: model.stack,
    global: {
      resolveTimeout: alertmanager.resolveTimeout,
      smtp: {
        from: email.from,
        smarthost: email.smarthost,
        authUsername: email.authUsername,
        passwordFile: SMTP_PASSWORD_FILE,
        requireTls: email.requireTls,
      },
      pagerdutyUrl: alertmanager.pagerdutyUrl,
    },
    route,
    verticalRoutes,
    receivers,
    timeIntervals: buildTimeIntervals(model),
    // An infra outage makes the vertical's model and tool alerts symptoms: hold them back so the
    // AI engineer is not paged for Redis being down. Only critical infra alerts inhibit, so a
    // warning cannot silence a page.
    inhibitRules: [
      {
        sourceMatchers: [eq(LABEL.alertType, "infra"), criticalMatcher()],
        targetMatchers: [{ name: LABEL.alertType, op: "=~", value: "model|tool" }],
        equal: [LABEL.vertical],
      },
    ],
    ruleFiles: model.verticals.map(buildRuleFile),
    ruleTests: model.verticals.flatMap((vertical) => buildRuleTestFiles(vertical, ruleLabels)),
    secretFiles,
    secretInputs: buildSecretInputs(secretFiles),
    secretMountPath: secretMountPath(kubernetes),
    onCall: buildOnCallPlan(model, receivers),
    verticalDefaultTiers: model.verticals.map((vertical) => ({
      vertical: vertical.id,
      tier: vertical.defaultTier,
    })),
    kubernetes: {
      mode: kubernetes.mode,
      namespace: kubernetes.namespace,
      namespaceExists: kubernetes.namespaceExists,
      kubeconfigPath: kubernetes.kubeconfigPath,
      context: kubernetes.context,
      ruleSelectorLabels: kubernetes.ruleSelectorLabels,
      shardBudgetBytes: kubernetes.shardBudgetKiB * 1024,
    },
  };
}
