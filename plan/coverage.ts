// A team's on-call coverage follows the tiers its paging alerts can be routed under (tiersOf):
// 24x7 if any of them is, business hours if only those, otherwise nobody is on call and the team
// is reached by e-mail. Nobody is paged at an hour their rotation does not cover.

import { CONFIG_KEYS, PROJECT } from "../core/conventions";
import { IssueList } from "../core/errors";
import { alertsOf } from "../core/rules";
import type { TierConfig } from "../input/config";
import { type AlertingModel, tiersOf } from "../input/model";
import type { BusinessHours } from "./businessHours";

export type TeamCoverage =
  | { kind: "24x7" }
  | { kind: "business-hours"; tiers: string[]; hours: BusinessHours }
  | { kind: "email-only" };

export function tierHours(tier: TierConfig): BusinessHours | undefined {
  return tier.coverage === "business-hours"
    ? { timeZone: tier.timeZone, days: tier.days, start: tier.start, end: tier.end }
    : undefined;
}

function sameHours(a: BusinessHours, b: BusinessHours): boolean {
  return (
    a.timeZone === b.timeZone &&
    a.start === b.start &&
    a.end === b.end &&
    [...a.days].sort().join() === [...b.days].sort().join()
  );
}

/**
 * Coverage of every team. A team paged under several business-hours tiers needs them to agree,
 * because one PagerDuty schedule and one set of support hours carry them.
 */
export function teamCoverages(model: AlertingModel): Map<string, TeamCoverage> {
  const { config, verticals, stackFile } = model;
  const tiersByTeam = new Map<string, Set<string>>(config.teams.map((team) => [team.id, new Set<string>()]));
  for (const vertical of verticals) {
    for (const alert of alertsOf(vertical)) {
      if (alert.severity !== "critical") continue;
      for (const tier of tiersOf(vertical, alert)) tiersByTeam.get(alert.team)?.add(tier);
    }
  }
  const issues = new IssueList();
  const coverages = new Map<string, TeamCoverage>();
  for (const [team, tiers] of tiersByTeam) {
    const kinds = [...tiers].map((tier) => config.tiers[tier]);
    if (kinds.some((tier) => tier.coverage === "24x7")) {
      coverages.set(team, { kind: "24x7" });
      continue;
    }
    const business = [...tiers].filter((tier) => config.tiers[tier].coverage === "business-hours").sort();
    if (business.length === 0) {
      coverages.set(team, { kind: "email-only" });
      continue;
    }
    const hours = tierHours(config.tiers[business[0]]) as BusinessHours;
    const other = business.find((tier) => !sameHours(hours, tierHours(config.tiers[tier]) as BusinessHours));
    if (other) {
      issues.add(
        stackFile,
        `${PROJECT}:${CONFIG_KEYS.tiers}.${other}`,
        `team "${team}" is paged under tiers "${business[0]}" and "${other}", whose business hours differ; one rotation cannot follow both (align the hours, or cover the team 24x7)`,
      );
    }
    coverages.set(team, { kind: "business-hours", tiers: business, hours });
  }
  // The executive team is the last level of SEV1 escalation, which can come at any hour.
  if (verticals.some((vertical) => vertical.sev1EscalatesToExec)) {
    coverages.set(config.routing.executiveTeam, { kind: "24x7" });
  }
  issues.throwIfAny();
  return coverages;
}
