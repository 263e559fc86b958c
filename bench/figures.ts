// Figures read from a finished render's output folder: what the program declared (resources.json),
// the Alertmanager config it wrote, and the rule objects per vertical. Nothing here is timed.
import * as fs from "node:fs";
import * as path from "node:path";
import yaml from "js-yaml";
import type { AmRoute } from "../alertmanager/types";
import { RESOURCE_TYPES, SHARD_LABEL, VERTICAL_LABEL } from "../core/conventions";
import { toYaml } from "../render/yaml";

interface DeclaredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface RuleObjects {
  kind: "ConfigMap" | "PrometheusRule";
  verticals: number;
  /** Objects (shards) over all verticals, and the most any one vertical needed. */
  shards: number;
  maxShardsPerVertical: number;
  /** Rule data per vertical, all its shards together. */
  medianBytesPerVertical: number;
  maxBytesPerVertical: number;
  /** The largest single object, to compare with the shard budget. */
  maxShardBytes: number;
}

export interface OutputFigures {
  /** Alerting rules in the rendered rule files, SLO burn-rate alerts included. */
  alerts: number;
  resources: number;
  /** `pagerduty:*` resources by type, and their total. */
  pagerduty: Record<string, number>;
  pagerdutyTotal: number;
  alertmanagerBytes: number;
  alertmanagerLines: number;
  /** Routes below the root on the longest path, and routes in the tree (the root included). */
  routeDepth: number;
  routes: number;
  receivers: number;
  ruleObjects: RuleObjects[];
  /** Every file the render wrote for the stack, and their bytes. */
  outputFiles: number;
  outputBytes: number;
}

function routeDepth(route: AmRoute): number {
  return Math.max(0, ...(route.routes ?? []).map((child) => 1 + routeDepth(child)));
}

function routeCount(route: AmRoute): number {
  return 1 + (route.routes ?? []).reduce((sum, child) => sum + routeCount(child), 0);
}

function labelsOf(resource: DeclaredResource): Record<string, string> {
  return (resource.inputs.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {};
}

/**
 * Bytes of rule data per object, as shards.ts counts them against the budget: a ConfigMap's data
 * (its rule file, plus the route subtree on shard 0), a PrometheusRule's groups as a rule file.
 */
function ruleObjects(resources: readonly DeclaredResource[]): RuleObjects[] {
  const kinds = [
    {
      kind: "ConfigMap" as const,
      type: RESOURCE_TYPES.configMap,
      bytes: (resource: DeclaredResource) =>
        Object.values(resource.inputs.data as Record<string, string>).reduce(
          (sum, text) => sum + Buffer.byteLength(text),
          0,
        ),
    },
    {
      kind: "PrometheusRule" as const,
      type: RESOURCE_TYPES.prometheusRule,
      bytes: (resource: DeclaredResource) =>
        Buffer.byteLength(toYaml({ groups: (resource.inputs.spec as { groups: unknown[] }).groups })),
    },
  ];
  return kinds.flatMap(({ kind, type, bytes }) => {
    const objects = resources.filter(
      (resource) => resource.type === type && labelsOf(resource)[SHARD_LABEL] !== undefined,
    );
    if (objects.length === 0) return [];
    const perVertical = new Map<string, { bytes: number; shards: number }>();
    let maxShardBytes = 0;
    for (const object of objects) {
      const vertical = labelsOf(object)[VERTICAL_LABEL];
      const size = bytes(object);
      maxShardBytes = Math.max(maxShardBytes, size);
      const entry = perVertical.get(vertical) ?? { bytes: 0, shards: 0 };
      perVertical.set(vertical, { bytes: entry.bytes + size, shards: entry.shards + 1 });
    }
    const sizes = [...perVertical.values()].map((entry) => entry.bytes).sort((a, b) => a - b);
    return [
      {
        kind,
        verticals: perVertical.size,
        shards: objects.length,
        maxShardsPerVertical: Math.max(...[...perVertical.values()].map((entry) => entry.shards)),
        medianBytesPerVertical: sizes[Math.floor(sizes.length / 2)],
        maxBytesPerVertical: sizes[sizes.length - 1],
        maxShardBytes,
      },
    ];
  });
}

/** Every rendered rule file's alerting rules (the rule tests beside them are not rules). */
export function renderedAlerts(stackDir: string): { labels: Record<string, string>; alert: string }[] {
  const dir = path.join(stackDir, "rules");
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".yaml") && !file.endsWith(".test.yaml"))
    .sort()
    .flatMap((file) => {
      const doc = yaml.load(fs.readFileSync(path.join(dir, file), "utf8")) as {
        groups: { rules: { alert?: string; labels?: Record<string, string> }[] }[];
      };
      return doc.groups.flatMap((group) =>
        group.rules.flatMap((rule) => (rule.alert ? [{ alert: rule.alert, labels: rule.labels ?? {} }] : [])),
      );
    });
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
    );
}

export function outputFigures(stackDir: string): OutputFigures {
  const resources = JSON.parse(
    fs.readFileSync(path.join(stackDir, "resources.json"), "utf8"),
  ) as DeclaredResource[];
  const pagerduty: Record<string, number> = {};
  for (const resource of resources) {
    if (!resource.type.startsWith("pagerduty:")) continue;
    const short = resource.type.split(":").pop() ?? resource.type;
    pagerduty[short] = (pagerduty[short] ?? 0) + 1;
  }
  const amText = fs.readFileSync(path.join(stackDir, "alertmanager.yaml"), "utf8");
  const am = yaml.load(amText) as { route: AmRoute; receivers: unknown[] };
  return {
    alerts: renderedAlerts(stackDir).length,
    resources: resources.length,
    pagerduty,
    pagerdutyTotal: Object.values(pagerduty).reduce((sum, count) => sum + count, 0),
    alertmanagerBytes: Buffer.byteLength(amText),
    alertmanagerLines: amText.split("\n").length - (amText.endsWith("\n") ? 1 : 0),
    routeDepth: routeDepth(am.route),
    routes: routeCount(am.route),
    receivers: am.receivers.length,
    ruleObjects: ruleObjects(resources),
    outputFiles: filesUnder(stackDir).length,
    outputBytes: filesUnder(stackDir).reduce((sum, file) => sum + fs.statSync(file).size, 0),
  };
}
