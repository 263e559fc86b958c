// The bridge's plan: the settings file it reads (which labels each Langfuse project, LangSmith
// project and webhook gives its alerts) and the alerts that can arrive through it, which the routing
// matrix and the policies judge like the catalogue's.
import { type BridgeAlert, type BridgeSettings, declaredAlerts } from "../core/bridgeSettings";
import {
  alertNamePrefix,
  BRIDGE_IMAGE,
  type BridgeSource,
  LABEL,
  PACKAGE_VERSION,
} from "../core/conventions";
import { parseDuration } from "../core/duration";
import { ownerOf } from "../core/ownership";
import type { BridgeConfig, StackConfig } from "../input/config";

export interface BridgePlan {
  image: string;
  replicas: number;
  settings: BridgeSettings;
  /** The declared alerts at each severity they can arrive at, read from the settings as the policies read them. */
  alerts: BridgeAlert[];
}

type Mapping = BridgeConfig["langfuse"][number] | BridgeConfig["webhooks"][number];
type DeclaredAlert = Mapping["alerts"][number];

/** Langfuse sends ALERT and WARNING; LangSmith has no severity (critical); a webhook, what it maps. */
function severitiesOf(source: BridgeSource, mapping: Mapping): BridgeAlert["severity"][] {
  if (source === "langfuse") return ["critical", "warning"];
  if (source === "langsmith" || !("severities" in mapping)) return ["critical"];
  const mapped = Object.values(mapping.severities);
  return mapped.length === 0 ? ["critical"] : [...new Set(mapped)].sort();
}

function mappingSettings(config: StackConfig, source: BridgeSource, mapping: Mapping) {
  const base = {
    ...mapping.labels,
    [LABEL.vertical]: mapping.vertical,
    [LABEL.source]: source,
    // An undeclared alert is a model alert: what these tools measure is the model's behaviour.
    [LABEL.alertType]: "model",
    [LABEL.team]: ownerOf(config, "model", undefined),
  };
  const alertLabels = (alert: DeclaredAlert) => ({
    ...alert.labels,
    [LABEL.alertType]: alert.alert_type,
    [LABEL.team]: ownerOf(config, alert.alert_type, alert.tool_name),
    ...(alert.tool_name ? { [LABEL.toolName]: alert.tool_name } : {}),
  });
  return {
    labels: base,
    alertnamePrefix: alertNamePrefix(mapping.vertical),
    alerts: Object.fromEntries(
      mapping.alerts.map((alert) => [
        alert.name,
        { alertname: alert.alertname, labels: alertLabels(alert), severities: severitiesOf(source, mapping) },
      ]),
    ),
  };
}

const seconds = (text: string) => parseDuration(text) ?? 0;

export function buildBridgePlan(config: StackConfig): BridgePlan | undefined {
  const bridge = config.bridge;
  if (!bridge) return undefined;
  const settings: BridgeSettings = {
    alertmanagerUrls: bridge.alertmanagerUrls,
    resendIntervalSeconds: seconds(bridge.resendInterval),
    maxAlertAgeSeconds: seconds(bridge.maxAlertAge),
    bodyLimitBytes: bridge.bodyLimitKiB * 1024,
    langfuse: Object.fromEntries(
      bridge.langfuse.map((mapping) => [mapping.project, mappingSettings(config, "langfuse", mapping)]),
    ),
    langsmith: Object.fromEntries(
      bridge.langsmith.map((mapping) => [mapping.project, mappingSettings(config, "langsmith", mapping)]),
    ),
    webhooks: Object.fromEntries(
      bridge.webhooks.map((mapping) => [
        mapping.name,
        {
          ...mappingSettings(config, "webhook", mapping),
          paths: mapping.paths,
          severities: mapping.severities,
          resolvedValues: mapping.resolvedValues,
        },
      ]),
    ),
  };
  return {
    image: bridge.image ?? `${BRIDGE_IMAGE}:${PACKAGE_VERSION}`,
    replicas: bridge.replicas,
    settings,
    alerts: declaredAlerts(settings),
  };
}
