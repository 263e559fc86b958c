// What the policies read from the declared resources: the Alertmanager config, the rule files of
// every vertical, and the resources by kind. Built once per check from CrossGuard's resources.
import yaml from "js-yaml";
import type { AmConfig } from "../alertmanager/types";
import {
  ALERTMANAGER_CONFIG_KEY,
  DEFAULT_TIER_ANNOTATION,
  parseReceiverName,
  RESOURCE_TYPES,
  VERTICAL_LABEL,
} from "../core/conventions";

/** The part of CrossGuard's PolicyResource the policies use; the offline runner builds the same. */
export interface PolicyResourceLike {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  opts: { protect: boolean };
}

export interface RuleLike {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface DeclaredAlert {
  vertical: string;
  defaultTier?: string;
  group: string;
  rule: RuleLike & { alert: string };
  resource: PolicyResourceLike;
}

export interface StackView {
  resources: readonly PolicyResourceLike[];
  ofType(type: string): PolicyResourceLike[];
  alertmanager?: { config: AmConfig; resource: PolicyResourceLike };
  alerts: DeclaredAlert[];
  recordingRules: { vertical: string; rule: RuleLike; resource: PolicyResourceLike }[];
}

export const TYPES = RESOURCE_TYPES;

/** A value CrossGuard or the mock engine may hand over wrapped as a secret. */
export function plain(value: unknown): unknown {
  if (value !== null && typeof value === "object" && "value" in value) {
    const record = value as { secret?: unknown; value: unknown; constructor?: { name?: string } };
    if (record.secret === true || record.constructor?.name === "Secret") return plain(record.value);
  }
  return value;
}

function stringMap(value: unknown): Record<string, string> {
  const record = plain(value);
  if (record === null || typeof record !== "object") return {};
  return Object.fromEntries(Object.entries(record).map(([key, entry]) => [key, String(plain(entry))]));
}

function metadata(resource: PolicyResourceLike) {
  return (resource.props.metadata ?? {}) as {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

/** The team a receiver belongs to: `<team>` or `<team>-<qualifier>`. */
export const receiverTeam = (receiver: string): string => parseReceiverName(receiver).team;

export function buildView(resources: readonly PolicyResourceLike[]): StackView {
  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  let alertmanager: StackView["alertmanager"];
  for (const resource of [...ofType(TYPES.configMap), ...ofType(TYPES.secret)]) {
    const data = stringMap(resource.type === TYPES.secret ? resource.props.stringData : resource.props.data);
    if (data[ALERTMANAGER_CONFIG_KEY] && !alertmanager) {
      alertmanager = { config: yaml.load(data[ALERTMANAGER_CONFIG_KEY]) as AmConfig, resource };
    }
  }
  // In `both` mode ConfigMaps and PrometheusRules carry the same rules: read the ConfigMaps only.
  const ruleMaps = ofType(TYPES.configMap).filter((resource) => metadata(resource).labels?.[VERTICAL_LABEL]);
  const sources = ruleMaps.length > 0 ? ruleMaps : ofType(TYPES.prometheusRule);
  const alerts: DeclaredAlert[] = [];
  const recordingRules: StackView["recordingRules"] = [];
  for (const resource of sources) {
    const meta = metadata(resource);
    const vertical = meta.labels?.[VERTICAL_LABEL] ?? "";
    const defaultTier = meta.annotations?.[DEFAULT_TIER_ANNOTATION] || undefined;
    const groups: { name: string; rules: RuleLike[] }[] =
      resource.type === TYPES.prometheusRule
        ? ((resource.props.spec as { groups?: { name: string; rules: RuleLike[] }[] })?.groups ?? [])
        : Object.entries(stringMap(resource.props.data))
            .filter(([key]) => key.endsWith(".rules.yaml"))
            .flatMap(
              ([, text]) =>
                (yaml.load(text) as { groups?: { name: string; rules: RuleLike[] }[] })?.groups ?? [],
            );
    for (const group of groups) {
      for (const rule of group.rules ?? []) {
        if (rule.alert)
          alerts.push({
            vertical,
            defaultTier,
            group: group.name,
            rule: rule as RuleLike & { alert: string },
            resource,
          });
        else recordingRules.push({ vertical, rule, resource });
      }
    }
  }
  return { resources, ofType, alertmanager, alerts, recordingRules };
}
