// The checks of the stack config's `bridge` section beyond its schema: mappings name verticals that
// exist, the bridge re-sends inside Alertmanager's resolve_timeout, and it alone sets the labels
// that route an alert.
import { alertNamePrefix, CONFIG_KEYS, LABEL } from "../../core/conventions";
import { parseDuration } from "../../core/duration";
import { joinPath } from "../../core/errors";
import type { BridgeConfig, StackConfig } from "../config";
import type { ConfigCheck, Problem } from "./types";

const at = (...parts: (string | number)[]) => joinPath([CONFIG_KEYS.bridge, ...parts]);

/** The labels the bridge sets from the mapping; an override of one would route around the config. */
const ROUTING_LABELS = [
  LABEL.alertName,
  LABEL.vertical,
  LABEL.alertType,
  LABEL.team,
  LABEL.severity,
  LABEL.source,
  LABEL.toolName,
];

type Mapping = {
  vertical: string;
  labels: Record<string, string>;
  alerts: BridgeConfig["langfuse"][number]["alerts"];
};

/** Every mapping of the bridge with its path: Langfuse and LangSmith projects, then webhooks. */
function mappings(bridge: BridgeConfig): { path: (string | number)[]; mapping: Mapping; key: string }[] {
  return [
    ...bridge.langfuse.map((mapping, i) => ({
      path: ["langfuse", i],
      mapping,
      key: `langfuse ${mapping.project}`,
    })),
    ...bridge.langsmith.map((mapping, i) => ({
      path: ["langsmith", i],
      mapping,
      key: `langsmith ${mapping.project}`,
    })),
    ...bridge.webhooks.map((mapping, i) => ({
      path: ["webhooks", i],
      mapping,
      key: `webhook ${mapping.name}`,
    })),
  ];
}

export const bridgeVerticalsKnown: ConfigCheck = {
  name: "bridge-verticals-known",
  check(config: StackConfig): Problem[] {
    if (!config.bridge) return [];
    const ids = config.verticals.map((vertical) => vertical.id);
    return mappings(config.bridge).flatMap(({ path, mapping }) =>
      ids.includes(mapping.vertical)
        ? []
        : [
            {
              field: at(...path, "vertical"),
              message: `"${mapping.vertical}" is not a vertical (verticals: ${ids.join(", ")})`,
            },
          ],
    );
  },
};

export const bridgeResendsInTime: ConfigCheck = {
  name: "bridge-resends-within-resolve-timeout",
  check(config: StackConfig): Problem[] {
    if (!config.bridge) return [];
    const resend = parseDuration(config.bridge.resendInterval) ?? 0;
    const timeout = parseDuration(config.alertmanager.resolveTimeout) ?? 0;
    const maxAge = parseDuration(config.bridge.maxAlertAge) ?? 0;
    const problems: Problem[] = [];
    // Alertmanager resolves an alert posted without an end time once resolve_timeout passes unsent.
    if (resend >= timeout)
      problems.push({
        field: at("resendInterval"),
        message: `${config.bridge.resendInterval} must be shorter than alertmanager.resolveTimeout (${config.alertmanager.resolveTimeout}), or Alertmanager resolves active alerts between two sends`,
      });
    if (maxAge <= resend)
      problems.push({
        field: at("maxAlertAge"),
        message: `${config.bridge.maxAlertAge} must be longer than resendInterval (${config.bridge.resendInterval})`,
      });
    return problems;
  },
};

export const bridgeLabelsOwnRouting: ConfigCheck = {
  name: "bridge-labels-leave-routing-alone",
  check(config: StackConfig): Problem[] {
    if (!config.bridge) return [];
    const refused = (labels: Record<string, string>, path: (string | number)[]) =>
      Object.keys(labels)
        .filter((key) => ROUTING_LABELS.includes(key as (typeof ROUTING_LABELS)[number]))
        .map((key) => ({
          field: at(...path, "labels", key),
          message: `the bridge sets ${key} from the mapping (vertical, alert_type, tool_name, the payload's severity); it cannot be overridden`,
        }));
    return mappings(config.bridge).flatMap(({ path, mapping }) => [
      ...refused(mapping.labels, path),
      ...mapping.alerts.flatMap((alert, a) => refused(alert.labels, [...path, "alerts", a])),
    ]);
  },
};

export const bridgeAlertNames: ConfigCheck = {
  name: "bridge-alert-names",
  check(config: StackConfig): Problem[] {
    if (!config.bridge) return [];
    const problems: Problem[] = [];
    const seen = new Set<string>();
    for (const { path, mapping, key } of mappings(config.bridge)) {
      if (seen.has(key))
        problems.push({ field: joinPath([CONFIG_KEYS.bridge, ...path]), message: `${key} is mapped twice` });
      seen.add(key);
      const prefix = alertNamePrefix(mapping.vertical);
      const names = new Set<string>();
      mapping.alerts.forEach((alert, a) => {
        if (!alert.alertname.startsWith(prefix))
          problems.push({
            field: at(...path, "alerts", a, "alertname"),
            message: `"${alert.alertname}" must start with its vertical's prefix ${prefix}`,
          });
        if (names.has(alert.name))
          problems.push({
            field: at(...path, "alerts", a, "name"),
            message: `"${alert.name}" is declared twice`,
          });
        names.add(alert.name);
        if (alert.alert_type === "tool" && !alert.tool_name)
          problems.push({
            field: at(...path, "alerts", a, "tool_name"),
            message: "a tool alert needs tool_name, which chooses its owner",
          });
      });
    }
    return problems;
  },
};

export const BRIDGE_CHECKS: readonly ConfigCheck[] = [
  bridgeVerticalsKnown,
  bridgeResendsInTime,
  bridgeLabelsOwnRouting,
  bridgeAlertNames,
];
