// A named check: one rule of the catalogue, with one definition and one severity. Validation runs
// the checks over the catalogue as written; the policy pack runs the same checks over the rules it
// reads back from the declared objects, whatever form the engine hands them in.
import type { Owners } from "../../core/ownership";
import type { AlertScope, RenderedRule } from "../../core/rules";
import type { StackConfig } from "../config";

/** `error` stops validation and is mandatory in the pack; `warning` is printed and advisory. */
export type CheckSeverity = "error" | "warning";

/** A rule as a check sees it, from the catalogue or from a declared object. */
export interface RuleSubject {
  kind: "alert" | "record";
  /** The alert's or the recording rule's name. */
  name: string;
  expr: string;
  for?: string;
  keepFiringFor?: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** The vertical whose file or object holds the rule. */
  vertical: string;
  /** As the catalogue wrote it; a rule read back from a declared object has none. */
  scope?: AlertScope;
}

/**
 * What a check knows of the stack. `declared` is true for rules read back from declared objects,
 * which carry every routing label the plan adds (`team`, `vertical`), so their absence is a problem.
 */
export interface CheckFacts {
  owners: Owners;
  tiers: readonly string[];
  declared: boolean;
  /** The label that names a customer (`customers.customerLabel`). */
  customerLabel: string;
  /** Verticals whose SEV1 escalates to the executive team; known to validation only. */
  sev1Verticals?: readonly string[];
  /** Each vertical's Kubernetes namespace, by vertical id; known to validation only. */
  verticalNamespaces?: Readonly<Record<string, string>>;
}

/** One problem: the field inside the rule (`labels.alert_type`, `for`, `expr`) and what to do. */
export interface Problem {
  field: string;
  message: string;
}

export interface RuleCheck {
  /** Kebab-case; the policy of the same name runs it over declared objects. */
  name: string;
  /** One sentence, for the policy pack. */
  description: string;
  severity: CheckSeverity;
  check(rule: RuleSubject, facts: CheckFacts): Problem[];
}

/** A group of a vertical's rules, with the names the checks report problems at. */
export interface GroupSubject {
  name: string;
  interval?: string;
  rules: RuleSubject[];
}

/** A check of a whole vertical: the field is a path inside its file (`groups[1].name`). */
export interface VerticalCheck {
  name: string;
  description: string;
  severity: CheckSeverity;
  check(vertical: string, groups: readonly GroupSubject[]): Problem[];
}

/** `field` of rule `index` of group `group`, as validation prints it. */
export function rulePath(group: number, index: number, field?: string): string {
  return `groups[${group}].rules[${index}]${field ? `.${field}` : ""}`;
}

/**
 * A rule in Prometheus' own form as the checks see it: a catalogue entry as written, or a rule read
 * back from a declared object.
 */
export function ruleSubject(rule: RenderedRule & { scope?: AlertScope }, vertical: string): RuleSubject {
  return {
    kind: rule.alert !== undefined ? "alert" : "record",
    name: rule.alert ?? rule.record ?? "",
    expr: rule.expr,
    for: rule.for,
    keepFiringFor: rule.keep_firing_for,
    labels: rule.labels ?? {},
    annotations: rule.annotations ?? {},
    vertical,
    scope: rule.scope,
  };
}

/** A check of the stack config beyond its schema; each problem's field is a path under the namespace. */
export interface ConfigCheck {
  name: string;
  check(config: StackConfig): Problem[];
}
