// The checks of a vertical's whole rule file: names unique within it, and its heartbeat.
import { LABEL, WATCHDOG_ALERT } from "../../core/conventions";
import { durationProblem } from "../../core/duration";
import type { Alert, RuleSource } from "../../core/rules";
import { type GroupSubject, type Problem, rulePath, type VerticalCheck } from "./types";

export const uniqueGroupNames: VerticalCheck = {
  name: "unique-group-names",
  description: "Rule group names are unique within a vertical.",
  severity: "error",
  check(_vertical, groups) {
    const seen = new Set<string>();
    const problems: Problem[] = [];
    groups.forEach((group, g) => {
      if (seen.has(group.name))
        problems.push({ field: `groups[${g}].name`, message: `"${group.name}" is used twice` });
      seen.add(group.name);
    });
    return problems;
  },
};

export const groupIntervals: VerticalCheck = {
  name: "group-intervals",
  description: "A rule group's evaluation interval is a Prometheus duration.",
  severity: "error",
  check(_vertical, groups) {
    return groups.flatMap((group, g) => {
      const problem = group.interval === undefined ? undefined : durationProblem(group.interval);
      return problem ? [{ field: `groups[${g}].interval`, message: `"${group.interval}" ${problem}` }] : [];
    });
  },
};

export const uniqueAlertNames: VerticalCheck = {
  name: "unique-alert-names",
  description: "Alert names are unique within a vertical, so tests, routing and the summary mean one rule.",
  severity: "error",
  check(_vertical, groups: readonly GroupSubject[]) {
    const seen = new Map<string, string>();
    const problems: Problem[] = [];
    groups.forEach((group, g) => {
      group.rules.forEach((rule, r) => {
        if (rule.kind !== "alert") return;
        const previous = seen.get(rule.name);
        if (previous === undefined) seen.set(rule.name, rulePath(g, r));
        else
          problems.push({
            field: rulePath(g, r, "alert"),
            message: `"${rule.name}" is already defined at ${previous}; alert names are unique within a vertical`,
          });
      });
    });
    return problems;
  },
};

export const oneWatchdog: VerticalCheck = {
  name: "one-watchdog-per-vertical",
  description: "Each vertical has exactly one Watchdog alert, which proves its rule file is loaded.",
  severity: "error",
  check(_vertical, groups) {
    const count = groups
      .flatMap((group) => group.rules)
      .filter((rule) => rule.name === WATCHDOG_ALERT).length;
    if (count === 1) return [];
    return [
      {
        field: "groups",
        message: `needs exactly one "${WATCHDOG_ALERT}" alert (found ${count}); it proves this vertical's rule file is loaded`,
      },
    ];
  },
};

export const VERTICAL_CHECKS: readonly VerticalCheck[] = [
  uniqueGroupNames,
  groupIntervals,
  uniqueAlertNames,
  oneWatchdog,
];

/**
 * The alerts of one symptom, an SLO's among them, are owned by one team: the strongest one firing
 * holds the others back, so a second owner would never hear of it. Reported at each alert whose
 * owner differs from the first alert of its symptom; routing decides owners, so this runs on the
 * checked alerts, SLOs' included.
 */
export function symptomOwnerProblems(alerts: readonly Alert[]): (Problem & { file: string })[] {
  const first = new Map<string, Alert>();
  const problems: (Problem & { file: string })[] = [];
  for (const alert of alerts) {
    const symptom = alert.labels[LABEL.symptom];
    if (symptom === undefined) continue;
    const owner = first.get(symptom);
    if (owner === undefined) {
      first.set(symptom, alert);
      continue;
    }
    const field = symptomField(alert.source, alert.slo !== undefined);
    // An SLO's page and ticket share its source: one problem for the SLO.
    if (owner.team === alert.team || problems.some((problem) => problem.field === field)) continue;
    problems.push({
      file: alert.source.file,
      field,
      message: `symptom "${symptom}" belongs to ${owner.team} (${owner.name} at ${owner.source.path}), but this alert goes to ${alert.team}: the alerts of one symptom hold each other back, so they need one owner`,
    });
  }
  return problems;
}

function symptomField(source: RuleSource, slo: boolean): string {
  return slo ? `${source.path}.symptom` : `${source.path}.labels.${LABEL.symptom}`;
}
