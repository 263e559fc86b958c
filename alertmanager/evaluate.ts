// Alertmanager 0.25's routing (dispatch/route.go): which routes an alert reaches, and whether each
// notifies at a given instant. Compiled once per config so a question costs a walk and no allocation
// beyond the answer.
import { compileMatchers, formatMatcher, type LabelTest, type Matcher, parseMatchers } from "./matchers";
import { containingInterval } from "./timeIntervals";
import type { AmConfig, AmRoute, LabelSet } from "./types";

export interface RouteNode {
  /** Child indices from the root; the root is `[]`. */
  readonly index: number[];
  readonly matchers: Matcher[];
  /** The route's receiver, or its nearest ancestor's. */
  readonly receiver: string;
  readonly continue: boolean;
  readonly activeTimeIntervals: string[];
  readonly muteTimeIntervals: string[];
  readonly children: RouteNode[];
  readonly parent?: RouteNode;
  /** The route as the config writes it. */
  readonly source: AmRoute;
  /** True when all of this route's matchers match. */
  readonly test: LabelTest;
}

function fieldPath(index: readonly number[]): string {
  return `route${index.map((i) => `.routes[${i}]`).join("")}`;
}

function compileNode(route: AmRoute, index: number[], parent: RouteNode | undefined): RouteNode {
  const matchers = (route.matchers ?? []).flatMap((line, i) => {
    try {
      return parseMatchers(line);
    } catch (error) {
      throw new Error(`${fieldPath(index)}.matchers[${i}]: ${(error as Error).message}`);
    }
  });
  const node: RouteNode = {
    index,
    matchers,
    // The config check guarantees the root has a receiver, so every node ends up with one.
    receiver: route.receiver || (parent?.receiver ?? ""),
    continue: route.continue === true,
    activeTimeIntervals: route.active_time_intervals ?? [],
    muteTimeIntervals: route.mute_time_intervals ?? [],
    children: [],
    parent,
    source: route,
    test: compileMatchers(matchers),
  };
  (route.routes ?? []).forEach((child, i) => {
    node.children.push(compileNode(child, [...index, i], node));
  });
  return node;
}

/** The route tree, after the checks Alertmanager makes of the root before it loads a config. */
export function compileRoutes(config: AmConfig): RouteNode {
  const root = config.route;
  if (!root) throw new Error("route: the config has no root route");
  if (!root.receiver) throw new Error("route.receiver: the root route must name a default receiver");
  // The root is the fallback of every alert: Alertmanager refuses anything that could narrow it.
  if (root.matchers?.length) throw new Error("route.matchers: the root route must not have matchers");
  if (root.continue) throw new Error("route.continue: the root route cannot continue");
  if (root.mute_time_intervals?.length || root.active_time_intervals?.length) {
    throw new Error("route: the root route must not have time intervals");
  }
  return compileNode(root, [], undefined);
}

// Route.Match: a matching route collects its children's matches in order, stopping after the first
// child that matched unless that child continues; with none, the route itself is the match.
function collect(node: RouteNode, labels: LabelSet, into: RouteNode[]): boolean {
  if (!node.test(labels)) return false;
  const before = into.length;
  for (const child of node.children) {
    if (collect(child, labels, into) && !child.continue) break;
  }
  if (into.length === before) into.push(node);
  return true;
}

/** The routes an alert with these labels reaches, in Alertmanager's order. */
export function matchRoutes(root: RouteNode, labels: LabelSet): RouteNode[] {
  const found: RouteNode[] = [];
  collect(root, labels, found);
  return found;
}

export interface RouteStatus {
  /** False when a time interval keeps this route from notifying at the instant. */
  active: boolean;
  /** The mute interval that contains the instant. */
  mutedBy?: string;
  /** The route's active intervals, none of which contains the instant. */
  inactiveOutside?: string[];
}

/**
 * Whether a route notifies at an instant. In 0.25 time intervals belong to the route that names
 * them: a child does not inherit its parent's.
 */
export function routeStatusAt(config: AmConfig, node: RouteNode, at: Date): RouteStatus {
  const mutedBy = containingInterval(config, node.muteTimeIntervals, at);
  const outside =
    node.activeTimeIntervals.length > 0 &&
    containingInterval(config, node.activeTimeIntervals, at) === undefined;
  const status: RouteStatus = { active: mutedBy === undefined && !outside };
  if (mutedBy !== undefined) status.mutedBy = mutedBy;
  if (outside) status.inactiveOutside = [...node.activeTimeIntervals];
  return status;
}

/** `route.routes[2].routes[0] {vertical="healthcare"} / {alert_type="tool"}`, for messages. */
export function routePath(node: RouteNode): string {
  const levels: string[] = [];
  for (let current: RouteNode | undefined = node; current?.parent; current = current.parent) {
    levels.unshift(`{${current.matchers.map(formatMatcher).join(", ")}}`);
  }
  return levels.length === 0 ? fieldPath(node.index) : `${fieldPath(node.index)} ${levels.join(" / ")}`;
}

export interface Router {
  readonly root: RouteNode;
  match(labels: LabelSet): RouteNode[];
  /** Receivers in match order, duplicates kept, as `amtool config routes test` prints them. */
  receivers(labels: LabelSet): string[];
}

// The review, the summary and every policy route over the same config object: compile it once.
const routers = new WeakMap<AmConfig, Router>();

/** The router of a config, compiled once per config object (a config is not changed once routed). */
export function createRouter(config: AmConfig): Router {
  let router = routers.get(config);
  if (!router) {
    router = compileRouter(config);
    routers.set(config, router);
  }
  return router;
}

function compileRouter(config: AmConfig): Router {
  const root = compileRoutes(config);
  return {
    root,
    match: (labels) => matchRoutes(root, labels),
    receivers: (labels) => {
      const found: RouteNode[] = [];
      collect(root, labels, found);
      const names = new Array<string>(found.length);
      for (let i = 0; i < found.length; i++) names[i] = found[i].receiver;
      return names;
    },
  };
}
