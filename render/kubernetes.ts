// The Kubernetes objects that carry the plan, for the configured delivery mode, as plain data:
// the component declares exactly these, the checks validate exactly these.
import {
  ALERTMANAGER_CONFIG_KEY,
  OBJECT_NAMES,
  objectLabels,
  routeFileKey,
  ruleFileKey,
  SHARD_LABEL,
  STRICTEST_TIER_ANNOTATION,
  VERTICAL_LABEL,
} from "../core/conventions";
import type { AlertingPlan, SecretFilePlan } from "../plan/plan";
import { renderVerticalRouteYaml } from "./alertmanager";
import { type RuleGroupPlan, shardRuleFile } from "./shards";

export interface ObjectMeta {
  name: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleConfigMapSpec {
  vertical: string;
  shard: number;
  metadata: ObjectMeta;
  data: Record<string, string>;
}

export interface PrometheusRuleSpec {
  vertical: string;
  shard: number;
  metadata: ObjectMeta;
  spec: { groups: RuleGroupPlan[] };
}

export interface KubernetesObjects {
  ruleConfigMaps: RuleConfigMapSpec[];
  prometheusRules: PrometheusRuleSpec[];
  /** configmap and both modes: for an Alertmanager that mounts its config file. */
  alertmanagerConfigMap?: { metadata: ObjectMeta; data: Record<string, string> };
  /** operator and both modes: the Secret the Alertmanager resource names in `configSecret`. */
  alertmanagerConfigSecret?: { metadata: ObjectMeta; data: Record<string, string> };
  /** The key files; their values are filled in by the component from secrets and integrations. */
  keySecret: { metadata: ObjectMeta; files: SecretFilePlan[] };
}

/** `alertmanagerYaml` is the plan's Alertmanager config, rendered once by the pipeline. */
export function kubernetesObjects(plan: AlertingPlan, alertmanagerYaml: string): KubernetesObjects {
  const { mode, shardBudgetBytes, ruleSelectorLabels } = plan.kubernetes;
  const configmaps = mode !== "operator";
  const operator = mode !== "configmap";
  const strictestTiers = new Map(plan.verticalStrictestTiers.map(({ vertical, tier }) => [vertical, tier]));
  const objects: KubernetesObjects = {
    ruleConfigMaps: [],
    prometheusRules: [],
    keySecret: {
      metadata: {
        name: OBJECT_NAMES.alertmanagerKeySecret,
        labels: objectLabels("alertmanager-secrets"),
        annotations: { "agent-alert-routing/mount-path": plan.secretMountPath },
      },
      files: plan.secretFiles,
    },
  };
  for (const file of plan.ruleFiles) {
    for (const shard of shardRuleFile(file, shardBudgetBytes)) {
      const labels = { [VERTICAL_LABEL]: shard.vertical, [SHARD_LABEL]: String(shard.index) };
      // The policy pack reads the vertical's strictest tier here: an alert without a tier takes it.
      const annotations = { [STRICTEST_TIER_ANNOTATION]: strictestTiers.get(shard.vertical) ?? "" };
      if (configmaps) {
        const data: Record<string, string> = { [ruleFileKey(shard.vertical, shard.index)]: shard.text };
        // The route subtree rides with the first shard, for review beside the vertical's rules.
        if (shard.index === 0)
          data[routeFileKey(shard.vertical)] = renderVerticalRouteYaml(plan, shard.vertical);
        objects.ruleConfigMaps.push({
          vertical: shard.vertical,
          shard: shard.index,
          metadata: {
            name: OBJECT_NAMES.ruleConfigMap(shard.vertical, shard.index),
            labels: { ...objectLabels("prometheus-rules"), ...labels },
            annotations,
          },
          data,
        });
      }
      if (operator) {
        objects.prometheusRules.push({
          vertical: shard.vertical,
          shard: shard.index,
          metadata: {
            name: OBJECT_NAMES.prometheusRule(shard.vertical, shard.index),
            labels: { ...objectLabels("prometheus-rules"), ...labels, ...ruleSelectorLabels },
            annotations,
          },
          spec: { groups: shard.groups },
        });
      }
    }
  }
  if (configmaps) {
    objects.alertmanagerConfigMap = {
      metadata: { name: OBJECT_NAMES.alertmanagerConfigMap, labels: objectLabels("alertmanager-config") },
      data: { [ALERTMANAGER_CONFIG_KEY]: alertmanagerYaml },
    };
  }
  if (operator) {
    // It holds no secret, only file paths; the operator requires the config in a Secret all the same.
    objects.alertmanagerConfigSecret = {
      metadata: { name: OBJECT_NAMES.alertmanagerConfigSecret, labels: objectLabels("alertmanager-config") },
      data: { [ALERTMANAGER_CONFIG_KEY]: alertmanagerYaml },
    };
  }
  return objects;
}
