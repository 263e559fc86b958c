// The weekly alert-noise review: what fired (Prometheus' ALERTS series), where today's routing sent
// each firing at the moment it started, and what the people paged did about it (PagerDuty's
// incidents and log entries). Pure: the CLI fetches, this module counts.
import { createRouter, routeStatusAt } from "../alertmanager/evaluate";
import { inhibitingAlert } from "../alertmanager/inhibit";
import { timeIntervalContains } from "../alertmanager/timeIntervals";
import type { AmConfig, LabelSet } from "../alertmanager/types";
import { LABEL, WEEKDAYS } from "../core/conventions";
import { type BusinessHours, toTimeInterval } from "../plan/businessHours";
import type { AlertingPlan } from "../plan/plan";

/** A paging firing shorter than this resolved itself before anyone could act: a `for` too short. */
export const SELF_RESOLVED_SECONDS = 5 * 60;
/** An alert that fired at least this often in the window without paging anyone is noise in a channel. */
export const FREQUENT_FIRINGS = 3;

/** One series of `ALERTS{alertstate="firing"}`: the query points (ms) at which it was present. */
export interface AlertSeries {
  labels: LabelSet;
  timestamps: number[];
}

/** A contiguous run of samples of one label set. */
export interface Firing {
  /** The alert's labels, without `__name__` and `alertstate`. */
  labels: LabelSet;
  /** The first and the last sample, in ms. */
  start: number;
  last: number;
  /** From the first sample to one step after the last: one sample is one evaluation interval. */
  durationSeconds: number;
}

/** The labels the ALERTS series adds to the alert's own. */
const SERIES_LABELS = new Set(["__name__", "alertstate"]);

function alertLabels(labels: LabelSet): LabelSet {
  return Object.fromEntries(
    Object.entries(labels)
      .filter(([name]) => !SERIES_LABELS.has(name))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/**
 * Firings from the series, which may come in several pieces (one per query of a long window). A
 * missing query point ends a firing: the next sample starts another one.
 */
export function firingsOf(series: readonly AlertSeries[], stepSeconds: number): Firing[] {
  const stepMs = stepSeconds * 1000;
  const byLabels = new Map<string, { labels: LabelSet; timestamps: Set<number> }>();
  for (const entry of series) {
    const labels = alertLabels(entry.labels);
    const key = JSON.stringify(labels);
    let found = byLabels.get(key);
    if (!found) {
      found = { labels, timestamps: new Set() };
      byLabels.set(key, found);
    }
    for (const timestamp of entry.timestamps) found.timestamps.add(timestamp);
  }
  const firings: Firing[] = [];
  for (const { labels, timestamps } of byLabels.values()) {
    const sorted = [...timestamps].sort((a, b) => a - b);
    let start = sorted[0];
    for (let i = 0; i < sorted.length; i++) {
      const next = sorted[i + 1];
      // Query points are a step apart; half a step of slack absorbs rounding of the timestamps.
      if (next === undefined || next - sorted[i] > stepMs * 1.5) {
        firings.push({
          labels,
          start,
          last: sorted[i],
          durationSeconds: (sorted[i] - start + stepMs) / 1000,
        });
        start = next;
      }
    }
  }
  return firings.sort((a, b) => a.start - b.start || keyOf(a).localeCompare(keyOf(b)));
}

const keyOf = (firing: Firing) => JSON.stringify(firing.labels);

export interface RoutedFiring extends Firing {
  alertname: string;
  vertical: string;
  /** The team that owns the alert: its `team` label, or the team of the receiver it reached. */
  team: string;
  /** Its own tier, or the strictest tier its vertical sells, which the route tree gives it. */
  tier: string;
  /** The alert that held it back when it started; nobody was notified. */
  heldBackBy?: string;
  /** Receivers that notified when it started (time intervals and inhibition applied). */
  receivers: string[];
  /** Teams it paged through PagerDuty, and teams told through any channel. */
  pagedTeams: string[];
  notifiedTeams: string[];
  /** Paged teams for which the page came outside their business hours. */
  offHoursTeams: string[];
}

/**
 * A team's business hours: its rotation's when it covers business hours only; for a 24x7 team, those
 * of the stack's business-hours tier (the first by name), the hours the company's day is measured
 * by. Undefined when the stack sells no business-hours tier: no page counts as off-hours then.
 */
export function teamHours(plan: Pick<AlertingPlan, "coverage" | "timeIntervals">, team: string) {
  const coverage = plan.coverage.get(team);
  if (coverage?.kind === "business-hours") return coverage.hours;
  return plan.timeIntervals[0]?.hours;
}

export function describeHours(hours: BusinessHours | undefined): string {
  if (!hours) return "none (no business-hours tier)";
  const weekdays = WEEKDAYS.slice(0, 5);
  const days =
    hours.days.length === weekdays.length && weekdays.every((day) => hours.days.includes(day))
      ? "monday–friday"
      : hours.days.join(", ");
  return `${days} ${hours.start}–${hours.end} ${hours.timeZone}`;
}

/**
 * Where each firing went when it started, with today's config: the routes it matched, whether each
 * notified at that instant, and whether an alert firing at that instant held it back.
 */
export function routeFirings(
  plan: AlertingPlan,
  config: AmConfig,
  firings: readonly Firing[],
): RoutedFiring[] {
  const router = createRouter(config);
  const receivers = new Map(plan.receivers.map((receiver) => [receiver.name, receiver]));
  const strictest = new Map(plan.verticalStrictestTiers.map((entry) => [entry.vertical, entry.tier]));
  return firings.map((firing) => {
    const at = new Date(firing.start);
    const labels = firing.labels;
    const vertical = labels[LABEL.vertical] ?? "";
    const nodes = router.match(labels);
    const owner = receivers.get(nodes[0]?.receiver ?? "")?.team;
    const routed: RoutedFiring = {
      ...firing,
      alertname: labels[LABEL.alertName] ?? "",
      vertical,
      team: labels[LABEL.team] ?? owner ?? "",
      tier: labels[LABEL.tier] ?? strictest.get(vertical) ?? "",
      receivers: [],
      pagedTeams: [],
      notifiedTeams: [],
      offHoursTeams: [],
    };
    const firingThen = firings
      .filter((other) => other !== firing && other.start <= firing.start && other.last >= firing.start)
      .map((other) => other.labels);
    const inhibitor = inhibitingAlert(config, firingThen, labels);
    if (inhibitor) {
      routed.heldBackBy = inhibitor[LABEL.alertName] ?? JSON.stringify(inhibitor);
      return routed;
    }
    const add = (list: string[], team: string) => list.includes(team) || list.push(team);
    for (const node of nodes) {
      if (!routeStatusAt(config, node, at).active) continue;
      const receiver = receivers.get(node.receiver);
      if (!receiver) continue;
      routed.receivers.push(receiver.name);
      if (receiver.pagerduty || receiver.slack || receiver.email) add(routed.notifiedTeams, receiver.team);
      if (!receiver.pagerduty) continue;
      add(routed.pagedTeams, receiver.team);
      const hours = teamHours(plan, receiver.team);
      if (hours && !timeIntervalContains(toTimeInterval(hours), at)) add(routed.offHoursTeams, receiver.team);
    }
    return routed;
  });
}
