// Static checks of a route tree. They find what no peer finds: a route hidden behind a broader
// sibling, a receiver nothing reaches, an alert that wakes two teams, a route for a label value no
// alert carries. Each finding names the route by its path.

import { compileRoutes, matchRoutes, type RouteNode, routePath } from "../alertmanager/evaluate";
import type { Matcher } from "../alertmanager/matchers";
import type { AmConfig, LabelSet } from "../alertmanager/types";

export type FindingKind =
  | "shadowed-route"
  | "unreferenced-receiver"
  | "multiple-teams"
  | "unused-label-value"
  | "sev1-held-back";

export interface Finding {
  kind: FindingKind;
  /** Errors make a config wrong; warnings point at something to look at. */
  severity: "error" | "warning";
  message: string;
}

/** A catalogue alert as it leaves Prometheus, and the name it is known by. */
export interface CatalogueAlert {
  name: string;
  labels: LabelSet;
}

export interface LintInput {
  config: AmConfig;
  alerts: readonly CatalogueAlert[];
  /** The team a receiver belongs to (`crm-owners-email` → `crm-owners`). */
  teamOf: (receiver: string) => string;
  /** Label values every alert may carry without a rule setting them, e.g. each tier. */
  impliedValues?: Readonly<Record<string, readonly string[]>>;
}

const LITERAL_ALTERNATION = /^[A-Za-z0-9_ .:/@-]+(\|[A-Za-z0-9_ .:/@-]+)*$/;

/** The finite set of values a matcher accepts, when it is one: `=v`, or `=~"a|b"` of literals. */
function acceptedValues(matcher: Matcher): string[] | undefined {
  if (matcher.op === "=") return [matcher.value];
  if (matcher.op === "=~" && LITERAL_ALTERNATION.test(matcher.value)) return matcher.value.split("|");
  return undefined;
}

function accepts(matcher: Matcher, value: string): boolean {
  switch (matcher.op) {
    case "=":
      return value === matcher.value;
    case "!=":
      return value !== matcher.value;
    case "=~":
      return new RegExp(`^(?:${matcher.value})$`).test(value);
    case "!~":
      return !new RegExp(`^(?:${matcher.value})$`).test(value);
  }
}

/**
 * True when every label set that satisfies `narrow` also satisfies `broad`. Conservative: it answers
 * false whenever it cannot prove the implication, so a reported shadow is always real.
 */
function implies(narrow: readonly Matcher[], broad: Matcher): boolean {
  return narrow.some((matcher) => {
    if (matcher.name !== broad.name) return false;
    if (matcher.op === broad.op && matcher.value === broad.value) return true;
    const values = acceptedValues(matcher);
    if (values === undefined) return false;
    return values.every((value) => accepts(broad, value));
  });
}

function shadowFindings(node: RouteNode, findings: Finding[]): void {
  node.children.forEach((child, i) => {
    const shadow = node.children
      .slice(0, i)
      .find(
        (earlier) =>
          !earlier.continue && earlier.matchers.every((matcher) => implies(child.matchers, matcher)),
      );
    if (shadow) {
      findings.push({
        kind: "shadowed-route",
        severity: "error",
        message: `${routePath(child)} can never match: the earlier sibling ${routePath(shadow)} matches everything it matches and does not continue`,
      });
    }
    shadowFindings(child, findings);
  });
}

function allNodes(node: RouteNode, into: RouteNode[] = []): RouteNode[] {
  into.push(node);
  for (const child of node.children) allNodes(child, into);
  return into;
}

export function lintRoutes(input: LintInput): Finding[] {
  const { config, alerts, teamOf } = input;
  const root = compileRoutes(config);
  const nodes = allNodes(root);
  const findings: Finding[] = [];

  shadowFindings(root, findings);

  const referenced = new Set(nodes.map((node) => node.receiver));
  for (const receiver of config.receivers) {
    if (!referenced.has(receiver.name)) {
      findings.push({
        kind: "unreferenced-receiver",
        severity: "error",
        message: `receiver ${receiver.name} is referenced by no route`,
      });
    }
  }

  for (const alert of alerts) {
    const teams = new Set(matchRoutes(root, alert.labels).map((node) => teamOf(node.receiver)));
    if (teams.size > 1) {
      findings.push({
        kind: "multiple-teams",
        severity: "error",
        message: `${alert.name} (${Object.entries(alert.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(", ")}) is delivered to ${teams.size} teams: ${[...teams].join(", ")}`,
      });
    }
  }

  const carried = new Map<string, Set<string>>();
  const carry = (name: string, value: string) => {
    if (!carried.has(name)) carried.set(name, new Set());
    carried.get(name)?.add(value);
  };
  for (const alert of alerts) for (const [name, value] of Object.entries(alert.labels)) carry(name, value);
  for (const [name, values] of Object.entries(input.impliedValues ?? {}))
    for (const value of values) carry(name, value);
  const reported = new Set<string>();
  for (const node of nodes) {
    for (const matcher of node.matchers) {
      // Only equality names one value; `x=""` matches an absent label, which every alert can have.
      if (matcher.op !== "=" || matcher.value === "") continue;
      const key = `${matcher.name}=${matcher.value}`;
      if (carried.get(matcher.name)?.has(matcher.value) || reported.has(key)) continue;
      reported.add(key);
      findings.push({
        kind: "unused-label-value",
        severity: "warning",
        message: `${routePath(node)} routes ${matcher.name}="${matcher.value}", which no catalogue alert carries`,
      });
    }
  }
  return findings;
}
