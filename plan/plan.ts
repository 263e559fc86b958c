// The routing plan: everything that decides where an alert goes, as plain data. Renderers serialise
// it and components declare it; neither adds a decision of its own.
import { OBJECT_NAMES, SECRET_CONFIG_KEYS, SMTP_PASSWORD_FILE, tierIntervalName } from "../core/conventions";
import type { RuleFileSource } from "../input/alertingRules";
import type { CustomersConfig } from "../input/config";
import type { AlertingModel } from "../input/model";
import type { SecretRef } from "../input/secrets";
import { type BridgePlan, buildBridgePlan } from "./bridge";
import type { BusinessHours } from "./businessHours";
import { type TeamCoverage, teamCoverages, tierHours } from "./coverage";
import { buildOnCallPlan, type OnCallPlan } from "./onCall";
import {
  buildReceivers,
  buildSecretFiles,
  buildSecretInputs,
  type ReceiverPlan,
  type SecretFilePlan,
} from "./receivers";
import { buildInhibitRules, buildRouteTree, type InhibitRulePlan, type RoutePlan } from "./routes";
import { buildRuleFile, type RuleFilePlan } from "./ruleFiles";
import { buildRuleTestFiles, type RuleTestFilePlan } from "./ruleTests";

export type {
  BridgePlan,
  InhibitRulePlan,
  ReceiverPlan,
  RoutePlan,
  RuleFilePlan,
  RuleTestFilePlan,
  SecretFilePlan,
};

export interface TimeIntervalPlan {
  name: string;
  tier: string;
  hours: BusinessHours;
}

export interface AlertmanagerGlobalPlan {
  resolveTimeout: string;
  smtp: { from: string; smarthost: string; authUsername: string; passwordFile: string; requireTls: boolean };
  pagerdutyUrl?: string;
}

export interface AlertingPlan {
  stack: string;
  global: AlertmanagerGlobalPlan;
  route: RoutePlan;
  /** The subtree of each rule file's alerts (each vertical's, then `alerting`), in route order. */
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
  /** Who is on call for each team, and when: it follows the tiers its paging alerts are routed under. */
  coverage: ReadonlyMap<string, TeamCoverage>;
  onCall: OnCallPlan;
  kubernetes: KubernetesPlan;
  /** Every tier of the stack, by name. */
  tiers: string[];
  /** Where a customer's tier comes from: the info series' metric and labels. */
  customers: CustomersConfig;
  /** Each vertical's strictest tier, which an alert without a tier label takes. */
  verticalStrictestTiers: { vertical: string; tier: string }[];
  /** The bridge for LLM-observability alerts, when the stack configures one. */
  bridge?: BridgePlan;
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

function buildTimeIntervals(model: AlertingModel): TimeIntervalPlan[] {
  return [...model.tiers.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([tier, config]) => {
      const hours = tierHours(config);
      return hours ? [{ name: tierIntervalName(tier), tier, hours }] : [];
    });
}
/** Every rule file: the verticals', then the alerts about the alerting. */
function ruleSources(model: AlertingModel): RuleFileSource[] {
  return [...model.verticals, model.alerting];
}

export function buildPlan(model: AlertingModel): AlertingPlan {
  const { alertmanager, email, kubernetes } = model.config;
  const coverage = teamCoverages(model);
  const { route, verticalRoutes } = buildRouteTree(model, coverage);
  const receivers = buildReceivers(model, route);
  const secretFiles = buildSecretFiles(receivers);
  const bridge = buildBridgePlan(model.config);
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
    inhibitRules: buildInhibitRules(model.config.customers.customerLabel),
    ruleFiles: ruleSources(model).map((source) => buildRuleFile(source, model.config.customers)),
    ruleTests: ruleSources(model).flatMap((source) => buildRuleTestFiles(source, model.config.customers)),
    secretFiles,
    secretInputs: [
      ...buildSecretInputs(secretFiles),
      ...(bridge ? [{ configKey: SECRET_CONFIG_KEYS.bridgeWebhookSecret }] : []),
    ],
    bridge,
    secretMountPath: secretMountPath(kubernetes),
    coverage,
    onCall: buildOnCallPlan(model, coverage, receivers),
    tiers: [...model.tiers.keys()],
    customers: model.config.customers,
    verticalStrictestTiers: model.verticals.map((vertical) => ({
      vertical: vertical.id,
      tier: vertical.strictestTier,
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
