// The checks of a vertical's whole rule file: names unique within it, and its heartbeat.
import { WATCHDOG_ALERT } from "../../core/conventions";
import { DURATION_HINT, parseDuration } from "../../core/duration";
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
    return groups.flatMap((group, g) =>
      group.interval !== undefined && parseDuration(group.interval) === undefined
        ? [{ field: `groups[${g}].interval`, message: `"${group.interval}" ${DURATION_HINT}` }]
        : [],
    );
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
