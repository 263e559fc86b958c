// What the policies read from the declared resources: the Alertmanager config, the rule files of
// every vertical, and the resources by kind. Built once per check from CrossGuard's resources.
import yaml from "js-yaml";
import type { AmConfig } from "../alertmanager/types";
import { bridgeSettingsSchema, declaredAlerts } from "../core/bridgeSettings";
import {
  ALERTMANAGER_CONFIG_KEY,
  BRIDGE_SETTINGS_FILE,
  parseReceiverName,
  RESOURCE_TYPES,
  SHARD_LABEL,
  STRICTEST_TIER_ANNOTATION,
  VERTICAL_LABEL,
} from "../core/conventions";
import type { RenderedRule } from "../core/rules";
import { plain } from "../core/secretValues";

/** The part of CrossGuard's PolicyResource the policies use; the offline runner builds the same. */
export interface PolicyResourceLike {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  opts: { protect: boolean };
}

/** An alerting rule of a declared object. */
export interface DeclaredAlert {
  vertical: string;
  strictestTier?: string;
  group: string;
  rule: RenderedRule & { alert: string };
  resource: PolicyResourceLike;
  /** Set on an alert the bridge declares (written in the stack file, not a catalogue): the tool that sends it. */
  bridgeSource?: string;
}

/** A rule group as a declared object carries it, with the object that holds it. */
export interface DeclaredGroup {
  name: string;
  interval?: string;
  rules: RenderedRule[];
  resource: PolicyResourceLike;
  /** The shard of the vertical's rules the object holds. */
  shard: number;
}

/** A vertical's rule groups across all its objects (shards), in shard order. */
export interface DeclaredVertical {
  vertical: string;
  strictestTier?: string;
  groups: DeclaredGroup[];
  /** The first object of the vertical, where problems of the whole vertical are reported. */
  resource: PolicyResourceLike;
}

export interface StackView {
  resources: readonly PolicyResourceLike[];
  ofType(type: string): PolicyResourceLike[];
  alertmanager?: { config: AmConfig; resource: PolicyResourceLike };
  verticals: DeclaredVertical[];
  alerts: DeclaredAlert[];
  /** Alerts the bridge's declared settings say can arrive from Langfuse, LangSmith or a webhook. */
  bridgeAlerts: DeclaredAlert[];
  recordingRules: { vertical: string; rule: RenderedRule; resource: PolicyResourceLike }[];
  /** Values of Secrets the engine does not know yet (a first preview), which the policies step around. */
  unknowns: { resource: PolicyResourceLike; field: string }[];
}

export const TYPES = RESOURCE_TYPES;
export { plain };

/**
 * An entry's value, or undefined while the engine does not know it: on a first preview a stack policy
 * reads resources through a proxy that throws on an unknown value, and one unknown file of a Secret
 * must not stop every policy that reads the Secret's other files.
 */
function known(record: object, key: string): unknown {
  try {
    return plain((record as Record<string, unknown>)[key]);
  } catch (error) {
    if (error instanceof Error && error.constructor.name === "UnknownValueError") return undefined;
    throw error;
  }
}

/** A map of strings; an entry the engine does not know yet (a preview's unknown value) is left out. */
export function stringMap(value: unknown, onUnknown?: (key: string) => void): Record<string, string> {
  const record = plain(value);
  if (record === null || typeof record !== "object") return {};
  return Object.fromEntries(
    Object.keys(record).flatMap((key) => {
      const entry = known(record, key);
      // The offline runner marks a value nobody knows yet as undefined; the engine, as above.
      if (entry === undefined) onUnknown?.(key);
      return entry === undefined || entry === null ? [] : [[key, String(entry)]];
    }),
  );
}

/**
 * A Secret's files. The program declares `stringData`; the engine hands a stack policy the
 * provider's outputs, where Kubernetes keeps only base64 `data`. Both are read.
 */
export function secretData(
  resource: PolicyResourceLike,
  onUnknown?: (field: string) => void,
): Record<string, string> {
  const decoded = Object.fromEntries(
    Object.entries(stringMap(resource.props.data, (key) => onUnknown?.(`data.${key}`))).map(
      ([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")],
    ),
  );
  return { ...decoded, ...stringMap(resource.props.stringData, (key) => onUnknown?.(`stringData.${key}`)) };
}

function metadata(resource: PolicyResourceLike) {
  return (resource.props.metadata ?? {}) as {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

/** The team a receiver belongs to: `<team>` or `<team>-<qualifier>`. */
export const receiverTeam = (receiver: string): string => parseReceiverName(receiver).team;

// CrossGuard hands each policy its own copy of the resources, so the same texts arrive once per
// policy: parse each once. The parsed objects are shared and never changed.
const texts = new Map<string, unknown>();
const TEXTS_KEPT = 512;

function parsed(text: string): unknown {
  let value = texts.get(text);
  if (value === undefined) {
    value = yaml.load(text);
    if (texts.size >= TEXTS_KEPT) texts.clear();
    texts.set(text, value);
  }
  return value;
}

// Every policy reads the same view of one stack: built once per resource list, not once per policy.
const views = new WeakMap<readonly PolicyResourceLike[], StackView>();

export function buildView(resources: readonly PolicyResourceLike[]): StackView {
  let view = views.get(resources);
  if (!view) {
    view = readView(resources);
    views.set(resources, view);
  }
  return view;
}

function readView(resources: readonly PolicyResourceLike[]): StackView {
  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  let alertmanager: StackView["alertmanager"];
  const unknowns: StackView["unknowns"] = [];
  for (const resource of [...ofType(TYPES.configMap), ...ofType(TYPES.secret)]) {
    const data =
      resource.type === TYPES.secret
        ? secretData(resource, (field) => unknowns.push({ resource, field }))
        : stringMap(resource.props.data);
    if (data[ALERTMANAGER_CONFIG_KEY] && !alertmanager) {
      alertmanager = { config: parsed(data[ALERTMANAGER_CONFIG_KEY]) as AmConfig, resource };
    }
  }
  // In `both` mode ConfigMaps and PrometheusRules carry the same rules: read the ConfigMaps only.
  const ruleMaps = ofType(TYPES.configMap).filter((resource) => metadata(resource).labels?.[VERTICAL_LABEL]);
  const sources = ruleMaps.length > 0 ? ruleMaps : ofType(TYPES.prometheusRule);
  const byVertical = new Map<string, DeclaredVertical>();
  for (const resource of sources) {
    const meta = metadata(resource);
    const vertical = verticalOf(resource) ?? "";
    const shard = Number(meta.labels?.[SHARD_LABEL] ?? 0);
    const groups = ruleGroupsOf(resource).map((group) => ({ ...group, resource, shard }));
    let entry = byVertical.get(vertical);
    if (!entry) {
      entry = {
        vertical,
        strictestTier: meta.annotations?.[STRICTEST_TIER_ANNOTATION] || undefined,
        groups: [],
        resource,
      };
      byVertical.set(vertical, entry);
    }
    entry.groups.push(...groups);
  }
  const verticals = [...byVertical.values()];
  for (const entry of verticals) {
    entry.groups.sort((a, b) => a.shard - b.shard);
    entry.resource = entry.groups[0]?.resource ?? entry.resource;
  }
  const alerts: DeclaredAlert[] = [];
  const recordingRules: StackView["recordingRules"] = [];
  for (const { vertical, strictestTier, groups } of verticals) {
    for (const group of groups) {
      for (const rule of group.rules) {
        if (rule.alert) {
          const alert = rule as RenderedRule & { alert: string };
          alerts.push({ vertical, strictestTier, group: group.name, rule: alert, resource: group.resource });
        } else recordingRules.push({ vertical, rule, resource: group.resource });
      }
    }
  }
  return {
    resources,
    ofType,
    alertmanager,
    verticals,
    alerts,
    bridgeAlerts: bridgeAlertsOf(ofType(TYPES.configMap)),
    recordingRules,
    unknowns,
  };
}

/** The group a bridge-declared alert is reported under: it is written in the stack file, not a catalogue. */
const bridgeGroupName = (source: string): string => `bridge (${source})`;

/** The bridge's declared alerts, as routable rules without an expression, from its settings ConfigMap. */
function bridgeAlertsOf(configMaps: readonly PolicyResourceLike[]): DeclaredAlert[] {
  return configMaps.flatMap((resource) => {
    const text = stringMap(resource.props.data)[BRIDGE_SETTINGS_FILE];
    if (!text) return [];
    let settings: unknown;
    try {
      settings = JSON.parse(text);
    } catch {
      return [];
    }
    const parsed = bridgeSettingsSchema.safeParse(settings);
    if (!parsed.success) return [];
    return declaredAlerts(parsed.data).map((alert) => ({
      vertical: alert.vertical,
      group: bridgeGroupName(alert.source),
      rule: { alert: alert.alertname, expr: "", labels: alert.labels },
      resource,
      bridgeSource: alert.source,
    }));
  });
}

interface RuleGroupLike {
  name: string;
  interval?: string;
  rules?: RenderedRule[];
}

/** The rule groups one rule object holds: a PrometheusRule's spec, or a ConfigMap's rule files. */
export function ruleGroupsOf(
  resource: PolicyResourceLike,
): { name: string; interval?: string; rules: RenderedRule[] }[] {
  const groups =
    resource.type === TYPES.prometheusRule
      ? ((resource.props.spec as { groups?: RuleGroupLike[] })?.groups ?? [])
      : Object.entries(stringMap(resource.props.data))
          .filter(([key]) => key.endsWith(".rules.yaml"))
          .flatMap(([, text]) => (parsed(text) as { groups?: RuleGroupLike[] })?.groups ?? []);
  return groups.map((group) => ({ ...group, rules: group.rules ?? [] }));
}

/** The vertical a rule object belongs to, from its label. */
export const verticalOf = (resource: PolicyResourceLike): string | undefined =>
  metadata(resource).labels?.[VERTICAL_LABEL];
