// Applies a broken-stack fixture (tests/fixtures/policy/*.json) to the resources prod declares: each
// fixture names the changes a careless edit would make to the declared objects.
import yaml from "js-yaml";
import type { AmConfig, AmInhibitRule, AmRoute } from "../../alertmanager/types";
import { type PolicyResourceLike, plain, TYPES } from "../../policies/view";

export interface Change {
  op:
    | "rule"
    | "route"
    | "insert-route"
    | "add-inhibit-rule"
    | "resource"
    | "add-resource"
    | "add-recording-rule"
    | "add-group";
  alert?: string;
  set?: Record<string, unknown>;
  delete?: string[];
  replace?: Record<string, [string, string]>;
  path?: number[];
  route?: AmRoute;
  inhibitRule?: AmInhibitRule;
  name?: string;
  protect?: boolean;
  truncate?: Record<string, number>;
  pad?: Record<string, number>;
  /** Entries of a field that the engine does not know yet, as on a first preview. */
  unknown?: Record<string, string[]>;
  resource?: { type: string; name: string; props: Record<string, unknown>; protect?: boolean };
  vertical?: string;
  rule?: Record<string, unknown>;
  group?: { name: string; interval?: string; rules: Record<string, unknown>[] };
}

export interface PolicyFixture {
  description: string;
  policy: string;
  message: string;
  /** Policies the same edit trips as a consequence (an unknown tier also reaches the catch-all). */
  alsoTrips?: string[];
  changes: Change[];
}

type Groups = { name: string; interval?: string; rules: Record<string, unknown>[] }[];

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function deletePath(target: Record<string, unknown>, dotted: string): void {
  const keys = dotted.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  delete node[keys[keys.length - 1]];
}

/** Rule groups of a rule object, and a way to write them back, whichever kind the object is. */
function ruleGroups(resource: PolicyResourceLike): { groups: Groups; save(): void } | undefined {
  if (resource.type === TYPES.prometheusRule) {
    const spec = resource.props.spec as { groups: Groups };
    return { groups: spec.groups, save: () => undefined };
  }
  if (resource.type !== TYPES.configMap) return undefined;
  const data = resource.props.data as Record<string, string>;
  const key = Object.keys(data).find((candidate) => candidate.endsWith(".rules.yaml"));
  if (!key) return undefined;
  const parsed = yaml.load(data[key]) as { groups: Groups };
  return { groups: parsed.groups, save: () => (data[key] = yaml.dump(parsed)) };
}

function alertmanager(resources: PolicyResourceLike[]): { config: AmConfig; save(): void } {
  for (const resource of resources) {
    const field = resource.type === TYPES.secret ? "stringData" : "data";
    const data = plain(resource.props[field]) as Record<string, unknown> | undefined;
    if (data && typeof data["alertmanager.yaml"] !== "undefined") {
      const config = yaml.load(String(plain(data["alertmanager.yaml"]))) as AmConfig;
      return {
        config,
        save: () => (resource.props[field] = { ...data, "alertmanager.yaml": yaml.dump(config) }),
      };
    }
  }
  throw new Error("no Alertmanager config among the resources");
}

function routeAt(config: AmConfig, path: number[]): AmRoute {
  let route = config.route;
  for (const index of path) {
    const next = route.routes?.[index];
    if (!next) throw new Error(`no route at ${path.join(".")}`);
    route = next;
  }
  return route;
}

export function applyFixture(
  original: readonly PolicyResourceLike[],
  fixture: PolicyFixture,
): PolicyResourceLike[] {
  const resources = structuredClone(original) as PolicyResourceLike[];
  for (const change of fixture.changes) {
    if (change.op === "rule") {
      const owner = resources
        .map(ruleGroups)
        .find((found) => found?.groups.some((g) => g.rules.some((r) => r.alert === change.alert)));
      if (!owner) throw new Error(`no declared alert ${change.alert}`);
      const rule = owner.groups
        .flatMap((group) => group.rules)
        .find((candidate) => candidate.alert === change.alert);
      if (!rule) throw new Error(`no declared alert ${change.alert}`);
      for (const [dotted, value] of Object.entries(change.set ?? {})) setPath(rule, dotted, value);
      for (const dotted of change.delete ?? []) deletePath(rule, dotted);
      for (const [field, [from, to]] of Object.entries(change.replace ?? {}))
        rule[field] = String(rule[field]).replace(from, to);
      owner.save();
    } else if (change.op === "route" || change.op === "insert-route") {
      const am = alertmanager(resources);
      const path = change.path ?? [];
      if (change.op === "route") Object.assign(routeAt(am.config, path), change.set);
      else
        routeAt(am.config, path.slice(0, -1)).routes?.splice(
          path[path.length - 1],
          0,
          change.route as AmRoute,
        );
      am.save();
    } else if (change.op === "add-inhibit-rule" && change.inhibitRule) {
      const am = alertmanager(resources);
      am.config.inhibit_rules = [...(am.config.inhibit_rules ?? []), change.inhibitRule];
      am.save();
    } else if (change.op === "resource") {
      const resource = resources.find((candidate) => candidate.name === change.name);
      if (!resource) throw new Error(`no resource ${change.name}`);
      if (change.protect !== undefined) resource.opts.protect = change.protect;
      for (const [dotted, value] of Object.entries(change.set ?? {})) setPath(resource.props, dotted, value);
      for (const [field, length] of Object.entries(change.truncate ?? {})) {
        resource.props[field] = (plain(resource.props[field]) as unknown[]).slice(0, length);
      }
      for (const [field, keys] of Object.entries(change.unknown ?? {})) {
        const entries = { ...(plain(resource.props[field]) as Record<string, unknown>) };
        for (const key of keys) entries[key] = undefined;
        resource.props[field] = entries;
      }
      for (const [field, bytes] of Object.entries(change.pad ?? {})) {
        resource.props[field] = { ...(plain(resource.props[field]) as object), padding: "x".repeat(bytes) };
      }
    } else if (change.op === "add-resource" && change.resource) {
      const { type, name, props, protect } = change.resource;
      resources.push({ type, name, props, urn: `urn:fixture::${name}`, opts: { protect: protect === true } });
    } else if (change.op === "add-recording-rule" || change.op === "add-group") {
      const owner = resources
        .filter(
          (resource) =>
            (resource.props.metadata as { labels?: Record<string, string> })?.labels?.[
              "agent-alert-routing/vertical"
            ] === change.vertical,
        )
        .map(ruleGroups)
        .find(Boolean);
      if (!owner) throw new Error(`no rule object for ${change.vertical}`);
      owner.groups.push(change.group ?? { name: `${change.vertical}-fixture`, rules: [change.rule ?? {}] });
      owner.save();
    }
  }
  return resources;
}
