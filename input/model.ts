// Builds the checked AlertingModel from the stack config and the catalogue files. Pure: the caller
// passes the raw config values and a file reader, so tests need neither Pulumi nor a disk.

import {
  ALERT_TYPES,
  type AlertType,
  catalogueTestsFile,
  LABEL,
  PROJECT,
  type Severity,
} from "../core/conventions";
import { type Issue, IssueList } from "../core/errors";
import { ownerOf } from "../core/ownership";
import {
  type Alert,
  alertsOf,
  type PromtoolTestGroup,
  type Rule,
  type RuleGroup,
  type RuleSource,
} from "../core/rules";
import { zodIssues } from "../core/zodIssues";
import { sloRuleGroups } from "../slo/rules";
import { type Slo, WINDOW_PLACEHOLDER } from "../slo/spec";
import { checkSlos } from "../slo/validate";
import { alertingRuleFile, type RuleFileSource } from "./alertingRules";
import { type Catalogue, type CatalogueRule, parseCatalogue } from "./catalogue";
import { CONFIG_CHECKS } from "./checks/config";
import { CATALOGUE_RULE_CHECKS, ownVerticalSelectors, RULE_CHECKS, severityOf } from "./checks/rules";
import {
  type CheckFacts,
  type CheckSeverity,
  type GroupSubject,
  type Problem,
  rulePath,
  ruleSubject,
} from "./checks/types";
import { symptomOwnerProblems, VERTICAL_CHECKS } from "./checks/vertical";
import { type StackConfig, stackConfigSchema, type TeamConfig, type TierConfig } from "./config";
import { customerTiersClashes, customerTiersGroup } from "./customerTiers";
import { parseRuleTests } from "./ruleTests";
import type { FileText } from "./yamlFile";

export interface Vertical {
  id: string;
  /** The tiers the vertical sells, as configured. */
  tiers: string[];
  /** The tier an alert without a `tier` label takes: the strictest the vertical sells. */
  strictestTier: string;
  namespace: string;
  sev1EscalatesToExec: boolean;
  catalogueFile: string;
  /** The catalogue's groups, then one generated group per SLO. */
  groups: RuleGroup[];
  slos: Slo[];
  /** Hand-written `promtool test rules` cases from `alerts/tests/<vertical>.yaml`, if it exists. */
  ruleTests: PromtoolTestGroup[];
}

export interface AlertingModel {
  stack: string;
  stackFile: string;
  config: StackConfig;
  teams: ReadonlyMap<string, TeamConfig>;
  tiers: ReadonlyMap<string, TierConfig>;
  verticals: Vertical[];
  /** The rule file of the alerts about the alerting, the infra team's, beside the verticals'. */
  alerting: RuleFileSource;
  /** Problems of checks whose severity is `warning`: printed, never fatal. */
  warnings: Issue[];
}

export interface ModelInput {
  stack: string;
  /** The stack file's name, used in messages: `Pulumi.prod.yaml`. */
  stackFile: string;
  /** Raw config values by key, without the `agent-alert-routing:` namespace. */
  config: Record<string, unknown>;
  /** Reads a catalogue file relative to the project root; undefined when it does not exist. */
  readFile: (path: string) => FileText;
}

const NAMESPACE = `${PROJECT}:`;

/** Runs every named check over a vertical's catalogue; errors become issues, warnings are kept. */
function checkCatalogue(
  config: StackConfig,
  vertical: string,
  catalogue: Catalogue,
  file: string,
  issues: IssueList,
  warnings: Issue[],
): void {
  const facts: CheckFacts = {
    owners: config,
    tiers: Object.keys(config.tiers),
    declared: false,
    customerLabel: config.customers.customerLabel,
    sev1Verticals: config.verticals.filter((v) => v.sev1EscalatesToExec).map((v) => v.id),
    verticalNamespaces: Object.fromEntries(config.verticals.map((v) => [v.id, v.namespace])),
  };
  const report = (severity: CheckSeverity, path: string, problems: readonly Problem[]) => {
    for (const { field, message } of problems) {
      const at = field ? `${path}${path ? "." : ""}${field}` : path;
      if (severity === "error") issues.add(file, at, message);
      else warnings.push({ file, path: at, message });
    }
  };
  const groups: GroupSubject[] = catalogue.groups.map((group) => ({
    name: group.name,
    interval: group.interval,
    rules: group.rules.map((item) => ruleSubject(item, vertical)),
  }));
  for (const check of VERTICAL_CHECKS) report(check.severity, "", check.check(vertical, groups));
  groups.forEach((group, g) => {
    group.rules.forEach((rule, r) => {
      for (const check of [...RULE_CHECKS, ...CATALOGUE_RULE_CHECKS]) {
        report(check.severity, rulePath(g, r), check.check(rule, facts));
      }
    });
  });
  // An SLO's queries, and its latency selector, watch the vertical's own series too.
  catalogue.slos.forEach((slo, i) => {
    const { events, latency } = slo.sli;
    const queries: [string, string][] = [];
    if (events) queries.push(["error_query", events.error_query], ["total_query", events.total_query]);
    if (latency) {
      const pinned = Object.entries(latency.selector).map(
        ([name, value]) => `${name}=${JSON.stringify(value)}`,
      );
      queries.push(["selector", `${latency.histogram}{${pinned.join(",")}}`]);
    }
    for (const [field, query] of queries) {
      const subject = ruleSubject(
        { record: slo.name, expr: query.replaceAll(WINDOW_PLACEHOLDER, "5m") },
        vertical,
      );
      const sli = events ? "events" : "latency";
      report(
        ownVerticalSelectors.severity,
        `slos[${i}].sli.${sli}.${field}`,
        ownVerticalSelectors.check(subject, facts).map((problem) => ({ ...problem, field: "" })),
      );
    }
  });
}

/** A checked catalogue rule with the facts routing reads from it. */
function ruleOf(
  config: StackConfig,
  vertical: string,
  group: string,
  item: CatalogueRule,
  source: RuleSource,
): Rule {
  if (item.record !== undefined) {
    return {
      kind: "record",
      record: item.record,
      vertical,
      group,
      expr: item.expr,
      labels: item.labels,
      source,
    };
  }
  const labels = { ...item.labels };
  // Lenient where a check already reported the label, so every other problem is still found.
  const rawType = labels[LABEL.alertType];
  const alertType: AlertType = (ALERT_TYPES as readonly string[]).includes(rawType)
    ? (rawType as AlertType)
    : "infra";
  const severity: Severity = severityOf(labels[LABEL.severity]) ?? "info";
  if (Object.hasOwn(labels, LABEL.severity)) labels[LABEL.severity] = severity;
  const toolName = Object.hasOwn(labels, LABEL.toolName) ? labels[LABEL.toolName] : undefined;
  const optional = (key: string) => (Object.hasOwn(labels, key) ? labels[key] : undefined);
  return {
    kind: "alert",
    name: item.alert ?? "",
    vertical,
    group,
    expr: item.expr,
    for: item.for,
    keepFiringFor: item.keep_firing_for,
    alertType,
    severity,
    team: ownerOf(config, alertType, toolName),
    toolName: toolName || undefined,
    tier: optional(LABEL.tier),
    scope: item.scope ?? "vertical",
    priority: optional(LABEL.priority),
    category: optional(LABEL.category),
    labels,
    annotations: item.annotations,
    source,
  };
}

/**
 * The tiers an alert can be routed under: its own `tier` label; for a per-customer alert, any tier
 * its vertical sells (its customer's, or the strictest for a customer billing does not list);
 * otherwise its vertical's strictest tier.
 */
export function tiersOf(vertical: Pick<Vertical, "tiers" | "strictestTier">, alert: Alert): string[] {
  if (alert.tier) return [alert.tier];
  return alert.scope === "customer" ? vertical.tiers : [vertical.strictestTier];
}

const STRICTNESS: Record<TierConfig["coverage"], number> = {
  "24x7": 0,
  "business-hours": 1,
  "email-only": 2,
};

/** The tier that reaches people soonest: 24x7, then business hours, then e-mail; the first listed of equals. */
export function strictestTier(sold: readonly string[], tiers: Readonly<Record<string, TierConfig>>): string {
  return [...sold].sort((a, b) => STRICTNESS[tiers[a].coverage] - STRICTNESS[tiers[b].coverage])[0];
}

function buildVertical(
  stackFile: string,
  config: StackConfig,
  vertical: StackConfig["verticals"][number],
  catalogue: Catalogue,
  file: string,
  issues: IssueList,
  warnings: Issue[],
): Vertical {
  checkCatalogue(config, vertical.id, catalogue, file, issues, warnings);
  const slos = checkSlos(catalogue.slos, catalogue.histograms, {
    config,
    vertical: vertical.id,
    file,
    issues,
  });
  const groups: RuleGroup[] = catalogue.groups.map((group, g) => ({
    name: group.name,
    interval: group.interval,
    rules: group.rules.map((item, r) =>
      ruleOf(config, vertical.id, group.name, item, { file, path: rulePath(g, r) }),
    ),
  }));
  const sloGroups = sloRuleGroups(slos, groups, issues);
  for (const problem of symptomOwnerProblems(alertsOf({ groups: [...groups, ...sloGroups] })))
    issues.add(problem.file, problem.field, problem.message);
  const strictest = strictestTier(vertical.tiers, config.tiers);
  const tiersGroup = customerTiersGroup(
    config,
    { id: vertical.id, strictestTier: strictest },
    groups.flatMap((group) => group.rules.filter((rule): rule is Alert => rule.kind === "alert")),
    { file: stackFile, path: `${NAMESPACE}customers` },
  );
  if (tiersGroup)
    for (const clash of customerTiersClashes(groups, tiersGroup)) issues.add(file, clash.path, clash.message);
  return {
    id: vertical.id,
    tiers: vertical.tiers,
    strictestTier: strictest,
    namespace: vertical.namespace,
    sev1EscalatesToExec: vertical.sev1EscalatesToExec,
    catalogueFile: file,
    groups: [...groups, ...sloGroups, ...(tiersGroup ? [tiersGroup] : [])],
    slos,
    ruleTests: [],
  };
}

/** Validates everything and returns the model, or throws one ValidationError listing every problem. */
export function buildModel(input: ModelInput): AlertingModel {
  const issues = new IssueList();
  const warnings: Issue[] = [];
  const parsed = stackConfigSchema.safeParse(input.config);
  if (!parsed.success) {
    for (const issue of zodIssues(input.stackFile, parsed.error, input.config, NAMESPACE)) {
      issues.add(issue.file, issue.path, issue.message);
    }
    issues.throwIfAny();
    throw new Error("unreachable");
  }
  const config = parsed.data;
  for (const check of CONFIG_CHECKS) {
    for (const { field, message } of check.check(config))
      issues.add(input.stackFile, NAMESPACE + field, message);
  }
  issues.throwIfAny();

  const verticals: Vertical[] = [];
  config.verticals.forEach((vertical, i) => {
    const text = input.readFile(vertical.catalogue);
    if (typeof text !== "string") {
      const at = `${NAMESPACE}verticals[${i}].catalogue`;
      if (text === undefined) issues.add(input.stackFile, at, `"${vertical.catalogue}" does not exist`);
      else if (text.of === "path") issues.add(input.stackFile, at, `"${vertical.catalogue}" ${text.refused}`);
      else issues.add(vertical.catalogue, "", text.refused);
      return;
    }
    const result = parseCatalogue(vertical.catalogue, text);
    if (!result.ok) {
      for (const issue of result.issues) issues.add(issue.file, issue.path, issue.message);
      return;
    }
    const built = buildVertical(
      input.stackFile,
      config,
      vertical,
      result.catalogue,
      vertical.catalogue,
      issues,
      warnings,
    );
    const testsFile = catalogueTestsFile(vertical.catalogue);
    const testsText = input.readFile(testsFile);
    if (typeof testsText === "object") issues.add(testsFile, "", testsText.refused);
    else if (testsText !== undefined) {
      const tests = parseRuleTests(testsFile, testsText, alertsOf(built));
      if (tests.ok) built.ruleTests = tests.groups;
      else for (const issue of tests.issues) issues.add(issue.file, issue.path, issue.message);
    }
    verticals.push(built);
  });
  issues.throwIfAny();

  return {
    stack: input.stack,
    stackFile: input.stackFile,
    config,
    teams: new Map(config.teams.map((team) => [team.id, team])),
    tiers: new Map(Object.entries(config.tiers)),
    verticals,
    alerting: alertingRuleFile(config),
    warnings,
  };
}
