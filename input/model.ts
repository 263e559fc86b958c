// Builds the checked AlertingModel from the stack config and the catalogue files. Pure: the caller
// passes the raw config values and a file reader, so tests need neither Pulumi nor a disk.

import {
  ALERT_TYPES,
  type AlertType,
  alertNamePrefix,
  CONFIG_KEYS,
  COST_SPIKE_CATEGORY,
  COST_SPIKE_PAGE_RATIO,
  catalogueTestsFile,
  LABEL,
  MODEL_MIN_FOR_SECONDS,
  PROJECT,
  PROMETHEUS_NAME,
  RECEIVER_QUALIFIERS,
  SEVERITIES,
  SEVERITY_ALIASES,
  type Severity,
  WATCHDOG_ALERT,
} from "../core/conventions";
import { DURATION_HINT, parseDuration } from "../core/duration";
import { IssueList, joinPath } from "../core/errors";
import { ownerOf } from "../core/ownership";
import { findSyntaxError, topLevelThreshold } from "../core/promql";
import type { PromtoolTestGroup, Rule, RuleGroup } from "../core/rules";
import { alertsOf } from "../core/rules";
import { zodIssues } from "../core/zodIssues";
import { sloRuleGroups } from "../slo/rules";
import { checkSlos, type Slo } from "../slo/spec";
import { type Catalogue, parseCatalogue } from "./catalogue";
import { type StackConfig, stackConfigSchema, type TeamConfig, type TierConfig } from "./config";
import { parseRuleTests } from "./ruleTests";

export interface Vertical {
  id: string;
  defaultTier: string;
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
}

export interface ModelInput {
  stack: string;
  /** The stack file's name, used in messages: `Pulumi.prod.yaml`. */
  stackFile: string;
  /** Raw config values by key, without the `agent-alert-routing:` namespace. */
  config: Record<string, unknown>;
  /** Reads a catalogue file relative to the project root; undefined when it does not exist. */
  readFile: (path: string) => string | undefined;
}

const NAMESPACE = `${PROJECT}:`;
const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const PRIORITY = /^P[1-5]$/;
const KNOWN_CATEGORIES = [COST_SPIKE_CATEGORY];

function minutes(clock: string): number {
  const [h, m] = clock.split(":").map(Number);
  return h * 60 + m;
}

function checkConfig(config: StackConfig, file: string, issues: IssueList): void {
  const at = (...parts: (string | number)[]) => NAMESPACE + joinPath(parts);
  const teamIds = new Set<string>();
  config.teams.forEach((team, i) => {
    if (teamIds.has(team.id)) issues.add(file, at("teams", i, "id"), `"${team.id}" is declared twice`);
    const qualifier = RECEIVER_QUALIFIERS.find((candidate) => team.id.endsWith(`-${candidate}`));
    if (qualifier) {
      issues.add(
        file,
        at("teams", i, "id"),
        `"${team.id}" ends in "-${qualifier}", which receiver names reserve`,
      );
    }
    teamIds.add(team.id);
    const seen = new Set<string>();
    team.members.forEach((member, m) => {
      const key = member.email.toLowerCase();
      if (seen.has(key))
        issues.add(file, at("teams", i, "members", m, "email"), `"${member.email}" is listed twice`);
      seen.add(key);
    });
  });
  const knownTeams = [...teamIds].join(", ");
  for (const [field, team] of Object.entries(config.routing)) {
    if (!teamIds.has(team)) {
      issues.add(file, at(CONFIG_KEYS.routing, field), `"${team}" is not a team (teams: ${knownTeams})`);
    }
  }
  for (const [tool, team] of Object.entries(config.toolOwners)) {
    if (!teamIds.has(team)) {
      issues.add(file, at(CONFIG_KEYS.toolOwners, tool), `"${team}" is not a team (teams: ${knownTeams})`);
    }
  }
  for (const [id, tier] of Object.entries(config.tiers)) {
    if (tier.coverage === "business-hours" && minutes(tier.end) <= minutes(tier.start)) {
      issues.add(
        file,
        at(CONFIG_KEYS.tiers, id, "end"),
        `"${tier.end}" must be later than start "${tier.start}"`,
      );
    }
  }
  const verticalIds = new Set<string>();
  const knownTiers = Object.keys(config.tiers).join(", ");
  config.verticals.forEach((vertical, i) => {
    if (verticalIds.has(vertical.id))
      issues.add(file, at("verticals", i, "id"), `"${vertical.id}" is declared twice`);
    verticalIds.add(vertical.id);
    if (!Object.hasOwn(config.tiers, vertical.defaultTier)) {
      issues.add(
        file,
        at("verticals", i, "defaultTier"),
        `"${vertical.defaultTier}" is not a tier (tiers: ${knownTiers})`,
      );
    }
  });
}

function label(labels: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

function checkDuration(
  value: string | undefined,
  file: string,
  path: string,
  issues: IssueList,
): number | undefined {
  if (value === undefined) return undefined;
  const seconds = parseDuration(value);
  if (seconds === undefined) issues.add(file, path, `"${value}" ${DURATION_HINT}`);
  return seconds;
}

function checkNames(names: string[], file: string, path: string, what: string, issues: IssueList): void {
  for (const name of names) {
    if (!PROMETHEUS_NAME.test(name) || name.startsWith("__")) {
      issues.add(
        file,
        `${path}.${name}`,
        `"${name}" is not a valid Prometheus ${what} name ([a-zA-Z_][a-zA-Z0-9_]*)`,
      );
    }
  }
}

function buildVertical(
  config: StackConfig,
  vertical: StackConfig["verticals"][number],
  catalogue: Catalogue,
  file: string,
  issues: IssueList,
): Vertical {
  const prefix = alertNamePrefix(vertical.id);
  const alertNames = new Map<string, string>();
  const groupNames = new Set<string>();
  let watchdogs = 0;
  const groups: RuleGroup[] = catalogue.groups.map((group, g) => {
    if (groupNames.has(group.name))
      issues.add(file, joinPath(["groups", g, "name"]), `"${group.name}" is used twice`);
    groupNames.add(group.name);
    checkDuration(group.interval, file, joinPath(["groups", g, "interval"]), issues);
    const rules = group.rules.map((item, r): Rule => {
      const path = joinPath(["groups", g, "rules", r]);
      const source = { file, path };
      const syntax = findSyntaxError(item.expr);
      if (syntax) {
        issues.add(
          file,
          `${path}.expr`,
          `PromQL syntax error at line ${syntax.line}, column ${syntax.column}${syntax.near ? ` near "${syntax.near}"` : ""}`,
        );
      }
      checkNames(Object.keys(item.labels), file, `${path}.labels`, "label", issues);
      if (item.record !== undefined) {
        if (!METRIC_NAME.test(item.record)) {
          issues.add(file, `${path}.record`, `"${item.record}" is not a valid Prometheus metric name`);
        }
        // Prometheus refuses these fields on a recording rule rather than ignoring them.
        if (item.for !== undefined) issues.add(file, `${path}.for`, "is only allowed on alerting rules");
        if (item.keep_firing_for !== undefined) {
          issues.add(file, `${path}.keep_firing_for`, "is only allowed on alerting rules");
        }
        if (Object.keys(item.annotations).length > 0) {
          issues.add(file, `${path}.annotations`, "are only allowed on alerting rules");
        }
        return {
          kind: "record",
          record: item.record,
          vertical: vertical.id,
          group: group.name,
          expr: item.expr,
          labels: item.labels,
          source,
        };
      }
      const name = item.alert ?? "";
      checkNames(Object.keys(item.annotations), file, `${path}.annotations`, "annotation", issues);
      if (name === WATCHDOG_ALERT) watchdogs++;
      else if (!ALERT_NAME.test(name) || !name.startsWith(prefix) || name === prefix) {
        issues.add(
          file,
          `${path}.alert`,
          `"${name}" must be CamelCase and start with the vertical's prefix "${prefix}"`,
        );
      }
      const previous = alertNames.get(name);
      if (previous !== undefined) {
        issues.add(
          file,
          `${path}.alert`,
          `"${name}" is already defined at ${previous}; alert names are unique within a vertical`,
        );
      } else alertNames.set(name, path);
      const forSeconds = checkDuration(item.for, file, `${path}.for`, issues);
      checkDuration(item.keep_firing_for, file, `${path}.keep_firing_for`, issues);

      const labels = { ...item.labels };
      const rawType = label(labels, LABEL.alertType);
      let alertType: AlertType = "infra";
      if (rawType === undefined) {
        issues.add(
          file,
          `${path}.labels.${LABEL.alertType}`,
          `is required (one of ${ALERT_TYPES.join(", ")})`,
        );
      } else if (!(ALERT_TYPES as readonly string[]).includes(rawType)) {
        issues.add(
          file,
          `${path}.labels.${LABEL.alertType}`,
          `"${rawType}" is not one of ${ALERT_TYPES.join(", ")}`,
        );
      } else alertType = rawType as AlertType;

      const rawSeverity = label(labels, LABEL.severity);
      let severity: Severity = "info";
      if (rawSeverity === undefined) {
        issues.add(file, `${path}.labels.${LABEL.severity}`, `is required (one of ${SEVERITIES.join(", ")})`);
      } else if ((SEVERITIES as readonly string[]).includes(rawSeverity)) severity = rawSeverity as Severity;
      else if (Object.hasOwn(SEVERITY_ALIASES, rawSeverity)) severity = SEVERITY_ALIASES[rawSeverity];
      else
        issues.add(
          file,
          `${path}.labels.${LABEL.severity}`,
          `"${rawSeverity}" is not one of ${SEVERITIES.join(", ")}`,
        );
      if (rawSeverity !== undefined) labels[LABEL.severity] = severity;

      const toolName = label(labels, LABEL.toolName);
      if (alertType === "tool" && !toolName) {
        issues.add(
          file,
          `${path}.labels.${LABEL.toolName}`,
          "is required on tool alerts; it chooses the integration's owner",
        );
      }
      const team = ownerOf(config, alertType, toolName);
      const labelledTeam = label(labels, LABEL.team);
      if (labelledTeam !== undefined && labelledTeam !== team) {
        issues.add(
          file,
          `${path}.labels.${LABEL.team}`,
          `"${labelledTeam}" contradicts routing: ${alertType} alerts${alertType === "tool" ? ` for tool "${toolName}"` : ""} go to "${team}"; remove the label or change the routing config`,
        );
      }
      const labelledVertical = label(labels, LABEL.vertical);
      if (labelledVertical !== undefined && labelledVertical !== vertical.id) {
        issues.add(
          file,
          `${path}.labels.${LABEL.vertical}`,
          `"${labelledVertical}" is not this file's vertical "${vertical.id}"`,
        );
      }
      const tier = label(labels, LABEL.tier);
      if (tier !== undefined && !Object.hasOwn(config.tiers, tier)) {
        issues.add(
          file,
          `${path}.labels.${LABEL.tier}`,
          `"${tier}" is not a tier (tiers: ${Object.keys(config.tiers).join(", ")})`,
        );
      }
      const priority = label(labels, LABEL.priority);
      if (priority !== undefined && !PRIORITY.test(priority)) {
        issues.add(file, `${path}.labels.${LABEL.priority}`, `"${priority}" is not a priority (P1 to P5)`);
      }
      const category = label(labels, LABEL.category);
      if (category !== undefined && !KNOWN_CATEGORIES.includes(category)) {
        issues.add(
          file,
          `${path}.labels.${LABEL.category}`,
          `"${category}" is not one of ${KNOWN_CATEGORIES.join(", ")}`,
        );
      }
      if (alertType === "model" && name !== WATCHDOG_ALERT && (forSeconds ?? 0) < MODEL_MIN_FOR_SECONDS) {
        issues.add(
          file,
          `${path}.for`,
          `model alerts need "for" of at least 3m so a short blip pages nobody (got ${item.for === undefined ? "none" : `"${item.for}"`})`,
        );
      }
      if (category === COST_SPIKE_CATEGORY && severity === "critical" && !syntax) {
        const threshold = topLevelThreshold(item.expr);
        if (threshold === undefined || threshold < COST_SPIKE_PAGE_RATIO) {
          issues.add(
            file,
            `${path}.expr`,
            `a paging cost-spike alert must fire only above ${COST_SPIKE_PAGE_RATIO}× baseline: end the expression with "> ${COST_SPIKE_PAGE_RATIO}" or more${threshold === undefined ? "" : ` (found ${threshold})`}, or make it a warning`,
          );
        }
      }
      if (label(labels, LABEL.autoRemediation) !== undefined) {
        if (alertType !== "infra") {
          issues.add(
            file,
            `${path}.labels.${LABEL.autoRemediation}`,
            `is allowed only on infra alerts; a ${alertType} alert keeps a human in the loop`,
          );
        } else if (!item.annotations.runbook_url) {
          issues.add(
            file,
            `${path}.labels.${LABEL.autoRemediation}`,
            "needs a runbook_url annotation naming the runbook action",
          );
        }
      }
      return {
        kind: "alert",
        name,
        vertical: vertical.id,
        group: group.name,
        expr: item.expr,
        for: item.for,
        keepFiringFor: item.keep_firing_for,
        alertType,
        severity,
        team,
        toolName: toolName || undefined,
        tier,
        priority,
        category,
        labels,
        annotations: item.annotations,
        source,
      };
    });
    return { name: group.name, interval: group.interval, rules };
  });
  const slos = checkSlos(catalogue.slos, catalogue.histograms, {
    config,
    vertical: vertical.id,
    file,
    issues,
  });
  const sloGroups = sloRuleGroups(slos, groups, issues);
  if (watchdogs !== 1) {
    issues.add(
      file,
      "groups",
      `needs exactly one "${WATCHDOG_ALERT}" alert (found ${watchdogs}); it proves this vertical's rule file is loaded`,
    );
  }
  return {
    id: vertical.id,
    defaultTier: vertical.defaultTier,
    namespace: vertical.namespace,
    sev1EscalatesToExec: vertical.sev1EscalatesToExec,
    catalogueFile: file,
    groups: [...groups, ...sloGroups],
    slos,
    ruleTests: [],
  };
}

/** Validates everything and returns the model, or throws one ValidationError listing every problem. */
export function buildModel(input: ModelInput): AlertingModel {
  const issues = new IssueList();
  const parsed = stackConfigSchema.safeParse(input.config);
  if (!parsed.success) {
    for (const issue of zodIssues(input.stackFile, parsed.error, input.config, NAMESPACE)) {
      issues.add(issue.file, issue.path, issue.message);
    }
    issues.throwIfAny();
    throw new Error("unreachable");
  }
  const config = parsed.data;
  checkConfig(config, input.stackFile, issues);
  issues.throwIfAny();

  const verticals: Vertical[] = [];
  config.verticals.forEach((vertical, i) => {
    const text = input.readFile(vertical.catalogue);
    if (text === undefined) {
      issues.add(
        input.stackFile,
        `${NAMESPACE}verticals[${i}].catalogue`,
        `"${vertical.catalogue}" does not exist`,
      );
      return;
    }
    const result = parseCatalogue(vertical.catalogue, text);
    if (!result.ok) {
      for (const issue of result.issues) issues.add(issue.file, issue.path, issue.message);
      return;
    }
    const built = buildVertical(config, vertical, result.catalogue, vertical.catalogue, issues);
    const testsFile = catalogueTestsFile(vertical.catalogue);
    const testsText = input.readFile(testsFile);
    if (testsText !== undefined) {
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
  };
}
