// The noise review's counts, as the JSON contract other tools read (docs/noise-review.md): per team,
// per tier, per alert, the pages, the catalogue alerts that never fired, and the incidents.

import type { AmConfig } from "../alertmanager/types";
import { WATCHDOG_ALERT } from "../core/conventions";
import type { AlertingPlan } from "../plan/plan";
import {
  type AlertSeries,
  describeHours,
  FREQUENT_FIRINGS,
  firingsOf,
  type RoutedFiring,
  routeFirings,
  SELF_RESOLVED_SECONDS,
  teamHours,
} from "./noise";
import { type IncidentNoise, incidentNoise, type PagerDutyIncident } from "./noiseIncidents";

export interface TeamNoise {
  team: string;
  pages: number;
  offHoursPages: number;
  /** Firings that reached the team through any channel: PagerDuty, Slack or e-mail. */
  notifications: number;
  /** The business hours off-hours pages are measured against. */
  businessHours: string;
}

export interface TierNoise {
  tier: string;
  firings: number;
  pages: number;
}

export interface AlertNoise {
  alertname: string;
  vertical: string;
  team: string;
  firings: number;
  pages: number;
  offHoursPages: number;
  /** Firings held back by inhibition when they started. */
  heldBack: number;
  medianDurationSeconds: number;
  /** With PagerDuty data: its incidents, and those acknowledged and never actioned. */
  incidents?: number;
  acknowledgedNotActioned?: number;
}

export interface PageNoise {
  alertname: string;
  vertical: string;
  team: string;
  tier: string;
  start: string;
  durationSeconds: number;
  offHours: boolean;
}

export interface NeverFired {
  alertname: string;
  vertical: string;
  /** True when a rule test of the catalogue expects it to fire: the rule still does what it says. */
  tested: boolean;
}

export interface NoiseReport {
  stack: string;
  window: { from: string; to: string };
  stepSeconds: number;
  /** Firings are routed with the config of today; a routing change inside the window is not seen. */
  routedWith: string;
  summary: string;
  totals: { firings: number; pages: number; offHoursPages: number; heldBack: number };
  teams: TeamNoise[];
  tiers: TierNoise[];
  alerts: AlertNoise[];
  /** Every page, in time order: what the chart and "pages at night" are drawn from. */
  pages: PageNoise[];
  neverFired: NeverFired[];
  /** Present only when PagerDuty was read. */
  incidents?: IncidentNoise[];
}

export interface NoiseInput {
  plan: AlertingPlan;
  window: { from: Date; to: Date };
  stepSeconds: number;
  firings: readonly RoutedFiring[];
  incidents?: readonly IncidentNoise[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const byName =
  <T>(key: (item: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b));

function teamsOf(input: NoiseInput): TeamNoise[] {
  const { plan, firings } = input;
  return plan.onCall.teams
    .map(({ team }) => ({
      team,
      pages: firings.filter((firing) => firing.pagedTeams.includes(team)).length,
      offHoursPages: firings.filter((firing) => firing.offHoursTeams.includes(team)).length,
      notifications: firings.filter((firing) => firing.notifiedTeams.includes(team)).length,
      businessHours: describeHours(teamHours(plan, team)),
    }))
    .sort((a, b) => b.pages - a.pages || b.notifications - a.notifications || a.team.localeCompare(b.team));
}

function tiersOf(input: NoiseInput): TierNoise[] {
  const tiers = new Map(input.plan.tiers.map((tier) => [tier, { tier, firings: 0, pages: 0 }]));
  for (const firing of input.firings) {
    const key = firing.tier || "(none)";
    const entry = tiers.get(key) ?? { tier: key, firings: 0, pages: 0 };
    entry.firings++;
    if (firing.pagedTeams.length > 0) entry.pages++;
    tiers.set(key, entry);
  }
  return [...tiers.values()].sort(
    (a, b) => b.pages - a.pages || b.firings - a.firings || a.tier.localeCompare(b.tier),
  );
}

function alertsOf(input: NoiseInput): AlertNoise[] {
  const groups = new Map<string, RoutedFiring[]>();
  for (const firing of input.firings) {
    const key = `${firing.alertname}\u0000${firing.vertical}`;
    groups.set(key, [...(groups.get(key) ?? []), firing]);
  }
  return [...groups.values()]
    .map((firings) => {
      const [first] = firings;
      const alert: AlertNoise = {
        alertname: first.alertname,
        vertical: first.vertical,
        team: first.team,
        firings: firings.length,
        pages: firings.filter((firing) => firing.pagedTeams.length > 0).length,
        offHoursPages: firings.filter((firing) => firing.offHoursTeams.length > 0).length,
        heldBack: firings.filter((firing) => firing.heldBackBy !== undefined).length,
        medianDurationSeconds: median(firings.map((firing) => firing.durationSeconds)),
      };
      if (input.incidents) {
        const incidents = input.incidents.filter(
          (incident) => incident.alertname === alert.alertname && incident.vertical === alert.vertical,
        );
        alert.incidents = incidents.length;
        alert.acknowledgedNotActioned = incidents.filter(
          (incident) => incident.acknowledgedBy !== null && !incident.actioned,
        ).length;
      }
      return alert;
    })
    .sort(
      (a, b) =>
        b.pages - a.pages ||
        b.firings - a.firings ||
        a.vertical.localeCompare(b.vertical) ||
        a.alertname.localeCompare(b.alertname),
    );
}

function pagesOf(input: NoiseInput): PageNoise[] {
  return input.firings
    .filter((firing) => firing.pagedTeams.length > 0)
    .flatMap((firing) =>
      firing.pagedTeams.map((team) => ({
        alertname: firing.alertname,
        vertical: firing.vertical,
        team,
        tier: firing.tier,
        start: new Date(firing.start).toISOString(),
        durationSeconds: firing.durationSeconds,
        offHours: firing.offHoursTeams.includes(team),
      })),
    );
}

/** Catalogue alerts that never fired in the window, and whether a rule test shows them firing. */
function neverFiredOf(input: NoiseInput): NeverFired[] {
  const fired = new Set(input.firings.map((firing) => `${firing.alertname}\u0000${firing.vertical}`));
  return input.plan.ruleFiles.flatMap((file) => {
    const tested = new Set(
      input.plan.ruleTests
        .filter((tests) => tests.vertical === file.vertical)
        .flatMap((tests) => tests.groups.flatMap((group) => group.alert_rule_test))
        .filter((test) => test.exp_alerts.length > 0)
        .map((test) => test.alertname),
    );
    return file.groups
      .flatMap((group) => group.rules.map((rule) => rule.alert))
      .filter((alert): alert is string => alert !== undefined && alert !== WATCHDOG_ALERT)
      .filter((alert) => !fired.has(`${alert}\u0000${file.vertical}`))
      .map((alertname) => ({ alertname, vertical: file.vertical, tested: tested.has(alertname) }))
      .sort(byName((entry) => entry.alertname));
  });
}

/** What the agenda leads with, and what the weekly workflow posts to Slack. */
function summaryOf(report: Omit<NoiseReport, "summary">): string {
  const { totals } = report;
  const noisiest = report.alerts.filter((alert) => alert.pages > 0).slice(0, 3);
  const selfResolved = report.pages.filter((page) => page.durationSeconds <= SELF_RESOLVED_SECONDS).length;
  const quiet = report.alerts.filter(
    (alert) => alert.pages === 0 && alert.firings >= FREQUENT_FIRINGS,
  ).length;
  const lines = [
    `Alert noise, ${report.stack}, ${report.window.from} to ${report.window.to}: ${totals.firings} firings, ${totals.pages} pages (${totals.offHoursPages} outside business hours), ${totals.heldBack} held back by inhibition.`,
    `Pages per team: ${
      report.teams
        .filter((team) => team.pages > 0)
        .map((team) => `${team.team} ${team.pages} (${team.offHoursPages} off-hours)`)
        .join(", ") || "none"
    }.`,
    `Noisiest: ${noisiest.map((alert) => `${alert.alertname} (${alert.pages})`).join(", ") || "nothing paged"}.`,
    `${selfResolved} page(s) resolved within ${SELF_RESOLVED_SECONDS / 60} minutes; ${quiet} alert(s) fired ${FREQUENT_FIRINGS}+ times without paging; ${report.neverFired.length} catalogue alert(s) never fired.`,
  ];
  if (report.incidents) {
    const unactioned = report.incidents.filter(
      (incident) => incident.acknowledgedBy !== null && !incident.actioned,
    );
    lines.push(
      `${report.incidents.length} PagerDuty incident(s); ${unactioned.length} acknowledged and never actioned.`,
    );
  }
  return lines.join("\n");
}

export function buildNoiseReport(given: NoiseInput): NoiseReport {
  // The Watchdog fires all the time by design: it is the heartbeat, not an alert for people.
  const input = { ...given, firings: given.firings.filter((firing) => firing.alertname !== WATCHDOG_ALERT) };
  const pages = pagesOf(input);
  const report: Omit<NoiseReport, "summary"> = {
    stack: input.plan.stack,
    window: { from: input.window.from.toISOString(), to: input.window.to.toISOString() },
    stepSeconds: input.stepSeconds,
    routedWith: `the ${input.plan.stack} stack's routing as it is now; a routing change inside the window is not seen`,
    totals: {
      firings: input.firings.length,
      pages: input.firings.filter((firing) => firing.pagedTeams.length > 0).length,
      offHoursPages: input.firings.filter((firing) => firing.offHoursTeams.length > 0).length,
      heldBack: input.firings.filter((firing) => firing.heldBackBy !== undefined).length,
    },
    teams: teamsOf(input),
    tiers: tiersOf(input),
    alerts: alertsOf(input),
    pages,
    neverFired: neverFiredOf(input),
    ...(input.incidents ? { incidents: [...input.incidents] } : {}),
  };
  return { ...report, summary: summaryOf(report) };
}

/**
 * The review from what was read: the ALERTS series cut into firings, each routed with the stack's
 * config at its start, PagerDuty's incidents reduced to what people did, counted into one report.
 */
export function reviewNoise(read: {
  plan: AlertingPlan;
  config: AmConfig;
  window: { from: Date; to: Date };
  stepSeconds: number;
  series: readonly AlertSeries[];
  incidents?: readonly PagerDutyIncident[];
}): NoiseReport {
  const { plan, config, window, stepSeconds, series, incidents } = read;
  return buildNoiseReport({
    plan,
    window,
    stepSeconds,
    firings: routeFirings(plan, config, firingsOf(series, stepSeconds)),
    ...(incidents ? { incidents: incidents.map((incident) => incidentNoise(plan, incident)) } : {}),
  });
}
