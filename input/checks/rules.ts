// The checks of one rule. Each is small and named; RULE_CHECKS is the one list validation and the
// policy pack both run.
import {
  ALERT_TYPES,
  alertNamePrefix,
  COST_SPIKE_CATEGORY,
  COST_SPIKE_PAGE_RATIO,
  IMPACT_VERTICAL,
  isReplicaLabel,
  KEBAB_NAME,
  LABEL,
  MODEL_MIN_FOR_SECONDS,
  PROMETHEUS_NAME,
  REPLICA_LABELS,
  SEV1_PRIORITY,
  SEVERITIES,
  SEVERITY_ALIASES,
  WATCHDOG_ALERT,
} from "../../core/conventions";
import { durationProblem, parseDuration } from "../../core/duration";
import { findTemplateError } from "../../core/goTemplate";
import { ownerOf } from "../../core/ownership";
import { findSyntaxError, selectionsOf, topLevelThreshold } from "../../core/promql";
import { labelKept } from "../../core/promqlLabels";
import { checkTypes } from "../../core/promqlTypes";
import { urlUserOrToken } from "./credentials";
import type { Problem, RuleCheck, RuleSubject } from "./types";

const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const PRIORITY = /^P[1-5]$/;
const KNOWN_CATEGORIES = [COST_SPIKE_CATEGORY];

const labelField = (name: string) => `labels.${name}`;
const label = (rule: RuleSubject, name: string): string | undefined =>
  Object.hasOwn(rule.labels, name) ? rule.labels[name] : undefined;

/** The severity a label value means, with `page` read as `critical`; undefined when it is unknown. */
export function severityOf(value: string | undefined): (typeof SEVERITIES)[number] | undefined {
  if (value === undefined) return undefined;
  if ((SEVERITIES as readonly string[]).includes(value)) return value as (typeof SEVERITIES)[number];
  return Object.hasOwn(SEVERITY_ALIASES, value) ? SEVERITY_ALIASES[value] : undefined;
}

const isAlert = (rule: RuleSubject) => rule.kind === "alert";
const isWatchdog = (rule: RuleSubject) => rule.name === WATCHDOG_ALERT;
/** Burn-rate alerts read `slo:` recording rules and hold through their short window, not `for`. */
const isBurnRateAlert = (rule: RuleSubject) => /\bslo:/.test(rule.expr);

function problem(field: string, message: string): Problem[] {
  return [{ field, message }];
}

export const promqlSyntax: RuleCheck = {
  name: "promql-syntax",
  description: "Every rule's expression parses as PromQL.",
  severity: "error",
  check(rule) {
    const syntax = findSyntaxError(rule.expr);
    if (!syntax) return [];
    const near = syntax.near ? ` near "${syntax.near}"` : "";
    return problem("expr", `PromQL syntax error at line ${syntax.line}, column ${syntax.column}${near}`);
  },
};

export const promqlTypes: RuleCheck = {
  name: "promql-types",
  description:
    "Every rule's expression is PromQL that Prometheus 2.42 loads: argument types and counts, operand types, ranges, modifiers, selectors and durations; and it gives an instant vector or a scalar.",
  severity: "error",
  check(rule) {
    // An expression that does not parse is promql-syntax's problem.
    if (findSyntaxError(rule.expr)) return [];
    const typed = checkTypes(rule.expr);
    if (!typed.ok) return problem("expr", `at line ${typed.line}, column ${typed.column}: ${typed.message}`);
    if (typed.type === "scalar" || typed.type === "instant vector") return [];
    // promtool accepts it; Prometheus then fails the rule at every evaluation.
    return problem(
      "expr",
      `gives a ${typed.type}, and a rule needs an instant vector or a scalar: Prometheus would fail it at every evaluation`,
    );
  },
};

export const ruleTemplates: RuleCheck = {
  name: "rule-templates",
  description:
    "An alert's labels and annotations are Go templates Prometheus parses: closed actions and blocks, known functions and variables.",
  severity: "error",
  check(rule) {
    if (!isAlert(rule)) return [];
    const problems: Problem[] = [];
    for (const [field, map] of [
      ["labels", rule.labels],
      ["annotations", rule.annotations],
    ] as const) {
      for (const [name, text] of Object.entries(map)) {
        const error = findTemplateError(text);
        if (!error) continue;
        const at = error.line > 1 ? `line ${error.line}, column ${error.column}` : `column ${error.column}`;
        problems.push({ field: `${field}.${name}`, message: `template error at ${at}: ${error.message}` });
      }
    }
    return problems;
  },
};

export const ruleDurations: RuleCheck = {
  name: "rule-durations",
  description:
    "A rule's for and keep_firing_for are Prometheus durations, within the range Prometheus reads.",
  severity: "error",
  check(rule) {
    const problems: Problem[] = [];
    for (const [field, value] of [
      ["for", rule.for],
      ["keep_firing_for", rule.keepFiringFor],
    ] as const) {
      const found = value === undefined ? undefined : durationProblem(value);
      if (found) problems.push({ field, message: `"${value}" ${found}` });
    }
    return problems;
  },
};

export const labelNames: RuleCheck = {
  name: "prometheus-label-names",
  description: "Label and annotation names are valid Prometheus names.",
  severity: "error",
  check(rule) {
    const problems: Problem[] = [];
    const fields: [string, string, Readonly<Record<string, string>>][] = [["labels", "label", rule.labels]];
    if (isAlert(rule)) fields.push(["annotations", "annotation", rule.annotations]);
    for (const [field, what, map] of fields) {
      for (const name of Object.keys(map)) {
        if (!PROMETHEUS_NAME.test(name) || name.startsWith("__")) {
          problems.push({
            field: `${field}.${name}`,
            message: `"${name}" is not a valid Prometheus ${what} name ([a-zA-Z_][a-zA-Z0-9_]*)`,
          });
        }
      }
    }
    return problems;
  },
};

export const recordingRuleFields: RuleCheck = {
  name: "recording-rule-fields",
  description: "A recording rule has a valid metric name and none of the fields only alerts may have.",
  severity: "error",
  check(rule) {
    if (isAlert(rule)) return [];
    const problems: Problem[] = [];
    if (!METRIC_NAME.test(rule.name))
      problems.push({ field: "record", message: `"${rule.name}" is not a valid Prometheus metric name` });
    // Prometheus refuses these fields on a recording rule rather than ignoring them.
    if (rule.for !== undefined) problems.push({ field: "for", message: "is only allowed on alerting rules" });
    if (rule.keepFiringFor !== undefined)
      problems.push({ field: "keep_firing_for", message: "is only allowed on alerting rules" });
    if (Object.keys(rule.annotations).length > 0)
      problems.push({ field: "annotations", message: "are only allowed on alerting rules" });
    return problems;
  },
};

export const alertNamePrefixCheck: RuleCheck = {
  name: "alert-name-prefix",
  description: "Alert names are CamelCase and start with their vertical's prefix.",
  severity: "error",
  check(rule) {
    if (!isAlert(rule) || isWatchdog(rule)) return [];
    const prefix = alertNamePrefix(rule.vertical);
    if (ALERT_NAME.test(rule.name) && rule.name.startsWith(prefix) && rule.name !== prefix) return [];
    return problem(
      "alert",
      `"${rule.name}" must be CamelCase and start with the vertical's prefix "${prefix}"`,
    );
  },
};

export const alertTypeLabel: RuleCheck = {
  name: "alert-type-label",
  description: "Every alert carries alert_type: infra, model or tool.",
  severity: "error",
  check(rule) {
    if (!isAlert(rule)) return [];
    const value = label(rule, LABEL.alertType);
    if (value === undefined)
      return problem(labelField(LABEL.alertType), `is required (one of ${ALERT_TYPES.join(", ")})`);
    if ((ALERT_TYPES as readonly string[]).includes(value)) return [];
    return problem(labelField(LABEL.alertType), `"${value}" is not one of ${ALERT_TYPES.join(", ")}`);
  },
};

export const severityLabel: RuleCheck = {
  name: "severity-label",
  description: "Every alert carries severity: critical (or its alias page), warning or info.",
  severity: "error",
  check(rule) {
    if (!isAlert(rule)) return [];
    const value = label(rule, LABEL.severity);
    if (value === undefined)
      return problem(labelField(LABEL.severity), `is required (one of ${SEVERITIES.join(", ")})`);
    if (severityOf(value) !== undefined) return [];
    return problem(labelField(LABEL.severity), `"${value}" is not one of ${SEVERITIES.join(", ")}`);
  },
};

export const toolNameLabel: RuleCheck = {
  name: "tool-name-label",
  description: "Tool alerts carry tool_name, which chooses the integration's owner.",
  severity: "error",
  check(rule) {
    if (!isAlert(rule) || label(rule, LABEL.alertType) !== "tool" || label(rule, LABEL.toolName)) return [];
    return problem(
      labelField(LABEL.toolName),
      "is required on tool alerts; it chooses the integration's owner",
    );
  },
};

export const teamLabel: RuleCheck = {
  name: "team-label-matches-owner",
  description: "An alert's team label names the team routing sends it to.",
  severity: "error",
  check(rule, facts) {
    if (!isAlert(rule)) return [];
    const type = label(rule, LABEL.alertType);
    if (!(ALERT_TYPES as readonly string[]).includes(type ?? "")) return [];
    const alertType = type as (typeof ALERT_TYPES)[number];
    const toolName = label(rule, LABEL.toolName);
    const owner = ownerOf(facts.owners, alertType, toolName);
    const team = label(rule, LABEL.team);
    if (team === undefined || (team === "" && facts.declared)) {
      return facts.declared
        ? problem(labelField(LABEL.team), `is missing; routing sends it to "${owner}"`)
        : [];
    }
    if (team === owner) return [];
    const tool = alertType === "tool" ? ` for tool "${toolName}"` : "";
    return problem(
      labelField(LABEL.team),
      `"${team}" contradicts routing: ${alertType} alerts${tool} go to "${owner}"; remove the label or change the routing config`,
    );
  },
};

export const verticalLabel: RuleCheck = {
  name: "vertical-label-matches",
  description: "An alert's vertical label names the vertical whose rules hold it.",
  severity: "error",
  check(rule, facts) {
    if (!isAlert(rule)) return [];
    const value = label(rule, LABEL.vertical);
    if (value === undefined)
      return facts.declared
        ? problem(labelField(LABEL.vertical), `is missing; it is "${rule.vertical}"`)
        : [];
    if (value === rule.vertical) return [];
    return problem(labelField(LABEL.vertical), `"${value}" is not this file's vertical "${rule.vertical}"`);
  },
};

export const tierLabel: RuleCheck = {
  name: "tier-label",
  description: "A tier label names a tier of the stack.",
  severity: "error",
  check(rule, facts) {
    const value = label(rule, LABEL.tier);
    if (!isAlert(rule) || value === undefined || facts.tiers.includes(value)) return [];
    return problem(labelField(LABEL.tier), `"${value}" is not a tier (tiers: ${facts.tiers.join(", ")})`);
  },
};

export const impactLabel: RuleCheck = {
  name: "impact-label",
  description:
    "Only an infra alert says `impact: vertical` (its whole vertical is down), the one thing that holds a vertical's model and tool alerts back.",
  severity: "error",
  check(rule) {
    const value = label(rule, LABEL.impact);
    if (!isAlert(rule) || value === undefined) return [];
    if (value !== IMPACT_VERTICAL) {
      return problem(
        labelField(LABEL.impact),
        `"${value}" is not an impact; the one value is "${IMPACT_VERTICAL}"`,
      );
    }
    if (label(rule, LABEL.alertType) !== "infra") {
      return problem(
        labelField(LABEL.impact),
        "only an infra alert can say its vertical is down; a model or tool alert is a symptom of it",
      );
    }
    return [];
  },
};

export const sev1Outage: RuleCheck = {
  name: "sev1-vertical-outage-is-p1",
  description:
    "In a vertical whose SEV1 escalates to the executive team, an outage of the whole vertical is itself a SEV1, so the alerts it holds back never hide one.",
  severity: "error",
  check(rule, facts) {
    if (!isAlert(rule) || label(rule, LABEL.impact) !== IMPACT_VERTICAL) return [];
    if (!(facts.sev1Verticals ?? []).includes(rule.vertical)) return [];
    if (label(rule, LABEL.priority) === SEV1_PRIORITY) return [];
    return problem(
      labelField(LABEL.priority),
      `an outage of ${rule.vertical}, whose SEV1 reaches the executive team, must be priority ${SEV1_PRIORITY}: it holds back the vertical's other alerts, SEV1s among them`,
    );
  },
};

export const customerScope: RuleCheck = {
  name: "per-customer-alert",
  description:
    "A per-customer alert (scope: customer) keeps the customer label through its expression, and takes its tier from the customer, never from a label.",
  severity: "error",
  check(rule, facts) {
    if (rule.scope === undefined || rule.scope === "vertical") return [];
    if (!isAlert(rule)) return problem("scope", "applies to alerts; a recording rule has no scope");
    const problems: Problem[] = [];
    const kept = labelKept(rule.expr, facts.customerLabel);
    if (!kept.kept) {
      problems.push({
        field: "expr",
        message: `a per-customer alert must keep the "${facts.customerLabel}" label, and \`${kept.droppedBy}\` drops it (add it to the \`by (…)\`, or match \`on\` it)`,
      });
    }
    if (label(rule, LABEL.tier) !== undefined) {
      problems.push({
        field: labelField(LABEL.tier),
        message:
          "a per-customer alert takes each customer's tier from the customer info series; remove this label",
      });
    }
    return problems;
  },
};

export const priorityLabel: RuleCheck = {
  name: "priority-label",
  description: "A priority label is P1 to P5.",
  severity: "error",
  check(rule) {
    const value = label(rule, LABEL.priority);
    if (!isAlert(rule) || value === undefined || PRIORITY.test(value)) return [];
    return problem(labelField(LABEL.priority), `"${value}" is not a priority (P1 to P5)`);
  },
};

export const symptomLabel: RuleCheck = {
  name: "symptom-label",
  description:
    "A symptom label names what the alert is a symptom of in kebab-case (`ftl-latency`), as an SLO's name does, so the alerts of one symptom and its SLO share it exactly.",
  severity: "error",
  check(rule) {
    const value = label(rule, LABEL.symptom);
    if (!isAlert(rule) || value === undefined || KEBAB_NAME.test(value)) return [];
    return problem(
      labelField(LABEL.symptom),
      `"${value}" is not a symptom name: lower-case kebab-case, like ftl-latency`,
    );
  },
};

export const replicaLabel: RuleCheck = {
  name: "no-replica-label",
  description: `No rule sets a label that tells HA replicas apart (${REPLICA_LABELS.join(", ")}): the copies a Prometheus pair sends would differ in it, and each would page on its own.`,
  severity: "error",
  check(rule) {
    return Object.keys(rule.labels)
      .filter(isReplicaLabel)
      .map((name) => ({
        field: labelField(name),
        message: `"${name}" tells HA replicas apart: each replica's copy would be an alert of its own and page on its own`,
      }));
  },
};

export const categoryLabel: RuleCheck = {
  name: "category-label",
  description: "A category label is one the routing knows.",
  severity: "error",
  check(rule) {
    const value = label(rule, LABEL.category);
    if (!isAlert(rule) || value === undefined || KNOWN_CATEGORIES.includes(value)) return [];
    return problem(labelField(LABEL.category), `"${value}" is not one of ${KNOWN_CATEGORIES.join(", ")}`);
  },
};

export const modelAlertFor: RuleCheck = {
  name: "model-alert-for-at-least-3m",
  description: "A model alert holds for at least 3 minutes, so a blip that recovers in two pages nobody.",
  severity: "error",
  check(rule) {
    if (!isAlert(rule) || isWatchdog(rule) || isBurnRateAlert(rule)) return [];
    if (label(rule, LABEL.alertType) !== "model" || severityOf(label(rule, LABEL.severity)) === "info")
      return [];
    const seconds = rule.for === undefined ? 0 : parseDuration(rule.for);
    // An unreadable duration is rule-durations' problem.
    if (seconds === undefined || seconds >= MODEL_MIN_FOR_SECONDS) return [];
    const got = rule.for === undefined ? "none" : `"${rule.for}"`;
    return problem(
      "for",
      `model alerts need "for" of at least ${MODEL_MIN_FOR_SECONDS / 60}m so a short blip pages nobody (got ${got})`,
    );
  },
};

export const costSpikeRatio: RuleCheck = {
  name: "cost-spike-pages-above-ratio",
  description: "Cost-spike alerts do not page below 5× baseline; smaller spikes are batched to Slack.",
  severity: "error",
  check(rule) {
    if (!isAlert(rule) || label(rule, LABEL.category) !== COST_SPIKE_CATEGORY) return [];
    if (severityOf(label(rule, LABEL.severity)) !== "critical" || findSyntaxError(rule.expr)) return [];
    const threshold = topLevelThreshold(rule.expr);
    if (threshold !== undefined && threshold >= COST_SPIKE_PAGE_RATIO) return [];
    const found = threshold === undefined ? "" : ` (found ${threshold})`;
    return problem(
      "expr",
      `a paging cost-spike alert must fire only above ${COST_SPIKE_PAGE_RATIO}× baseline: end the expression with "> ${COST_SPIKE_PAGE_RATIO}" or more${found}, or make it a warning`,
    );
  },
};

export const autoRemediation: RuleCheck = {
  name: "auto-remediation-infra-only",
  description:
    "Auto-remediation is allowed only on infra alerts with a runbook, never on model alerts: a human stays in the loop for prompt regressions.",
  severity: "error",
  check(rule) {
    if (!isAlert(rule)) return [];
    // Read from the annotations too, where a careless edit might put it.
    const where = [
      ["labels", rule.labels],
      ["annotations", rule.annotations],
    ] as const;
    const found = where.find(([, map]) => Object.hasOwn(map, LABEL.autoRemediation));
    if (!found) return [];
    const field = `${found[0]}.${LABEL.autoRemediation}`;
    const type = label(rule, LABEL.alertType);
    if (type !== "infra") {
      const action = found[1][LABEL.autoRemediation];
      return problem(
        field,
        `is allowed only on infra alerts; a ${type ?? "untyped"} alert keeps a human in the loop (action "${action}")`,
      );
    }
    if (rule.annotations.runbook_url) return [];
    return problem(field, "needs a runbook_url annotation naming the runbook action");
  },
};

export const runbook: RuleCheck = {
  name: "paging-alerts-have-runbooks",
  description: "Paging alerts link a runbook, so whoever is woken knows the first step.",
  severity: "warning",
  check(rule) {
    if (!isAlert(rule) || isWatchdog(rule) || severityOf(label(rule, LABEL.severity)) !== "critical")
      return [];
    if (rule.annotations.runbook_url) return [];
    return problem("annotations.runbook_url", "is missing on a paging alert; link the runbook's first step");
  },
};

/** A URL written in a label or an annotation, up to the first space, quote or bracket. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()[\]{}]+/gi;

export const ruleUrlCredentials: RuleCheck = {
  name: "no-credentials-in-rule-urls",
  description:
    "No label or annotation links a URL with a credential in it (a user, a password, a token parameter): Prometheus sends them with every notification, to PagerDuty, Slack and e-mail. A secret value anywhere, a Slack webhook among them, is no-plain-secrets'.",
  severity: "error",
  check(rule) {
    const where = [
      ["labels", rule.labels],
      ["annotations", rule.annotations],
    ] as const;
    return where.flatMap(([kind, map]) =>
      Object.entries(map).flatMap(([name, value]) => {
        const credential = (value.match(URL_IN_TEXT) ?? []).map(urlUserOrToken).find(Boolean);
        if (!credential) return [];
        return problem(
          `${kind}.${name}`,
          `links a URL that carries a credential (${credential}), which every notification of this alert would send to PagerDuty, Slack and e-mail in plain text; link a page that asks whoever opens it to sign in`,
        );
      }),
    );
  },
};

/** Every check of one rule, in the order a reviewer reads them. */
/** Whether an anchored Prometheus regex matches a value; an unreadable one is promql-syntax's problem. */
function regexMatches(regex: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${regex})$`).test(value);
  } catch {
    return false;
  }
}

export const ownVerticalSelectors: RuleCheck = {
  name: "selects-own-vertical",
  description:
    "A vertical's rules watch only that vertical: every selector that names `vertical` or `namespace` names its own, so a copied catalogue cannot page one vertical's owners about another's series.",
  severity: "error",
  check(rule, facts) {
    const namespaces = facts.verticalNamespaces;
    if (!namespaces || !(rule.vertical in namespaces)) return [];
    const own: Record<string, string> = { vertical: rule.vertical, namespace: namespaces[rule.vertical] };
    const others: Record<string, string[]> = {
      vertical: Object.keys(namespaces).filter((id) => id !== rule.vertical),
      namespace: Object.entries(namespaces)
        .filter(([id, namespace]) => id !== rule.vertical && namespace !== own.namespace)
        .map(([, namespace]) => namespace),
    };
    const problems: Problem[] = [];
    for (const selection of selectionsOf(rule.expr)) {
      for (const label of ["vertical", "namespace"]) {
        const value = selection.equals[label];
        if (value !== undefined && value !== own[label]) {
          problems.push({
            field: "expr",
            message: `${selection.metric}{${label}="${value}"} selects another vertical's series; the rules of ${rule.vertical} select ${label}="${own[label]}"`,
          });
        }
        const regex = selection.matches[label];
        const foreign =
          regex === undefined ? [] : others[label].filter((other) => regexMatches(regex, other));
        if (regex !== undefined && (foreign.length > 0 || !regexMatches(regex, own[label]))) {
          problems.push({
            field: "expr",
            message: `${selection.metric}{${label}=~"${regex}"} ${foreign.length > 0 ? `also selects ${foreign.join(", ")}` : `does not select ${own[label]}`}; the rules of ${rule.vertical} select ${label}="${own[label]}"`,
          });
        }
      }
    }
    return problems;
  },
};

/**
 * Checks of what only the catalogue says (a rule's `scope`), which a rule read back from a declared
 * object no longer carries: validation runs them, the policy pack cannot.
 */
export const CATALOGUE_RULE_CHECKS: readonly RuleCheck[] = [customerScope, sev1Outage, ownVerticalSelectors];

export const RULE_CHECKS: readonly RuleCheck[] = [
  promqlSyntax,
  promqlTypes,
  ruleDurations,
  ruleTemplates,
  labelNames,
  recordingRuleFields,
  alertNamePrefixCheck,
  alertTypeLabel,
  severityLabel,
  toolNameLabel,
  teamLabel,
  verticalLabel,
  tierLabel,
  impactLabel,
  priorityLabel,
  symptomLabel,
  replicaLabel,
  categoryLabel,
  modelAlertFor,
  costSpikeRatio,
  autoRemediation,
  runbook,
  ruleUrlCredentials,
];
