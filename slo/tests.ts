// Generated `promtool test rules` cases for an SLO's burn-rate alerts: input series with a chosen
// error ratio over time, and when the page and the ticket must (and must not) be firing. Pure.
import { LABEL, sloAlertName } from "../core/conventions";
import { parseDuration } from "../core/duration";
import type { Alert, PromtoolTestGroup as RuleTestGroup } from "../core/rules";
import { sloSelector } from "./rules";
import { BURN_WINDOWS, type BurnWindow, burnFactor, type Slo, tidy } from "./spec";

/** Events per minute in the generated series: large enough that every error count is a whole number. */
const EVENTS_PER_MINUTE = 100_000;
/**
 * Healthy minutes before a burn starts: enough that the 6h window still holds less than 6× the
 * budget when the fast page is expected quiet, and again once it has resolved (a 17.28× burn of
 * 55 minutes averages 4.4× over 150 + 55 + 11 minutes). promtool evaluates every rule at every
 * minute of the timeline, so it is kept short.
 */
const HISTORY = 150;
/** Minutes of the ticket's steady burn: longer than its 2h short window, shorter than its 6h one. */
const STEADY_MINUTES = 120;
/** Minutes on either side of a computed moment, well above the one-minute evaluation step. */
const MARGIN = 3;

/** A counter's samples, one a minute from 0, as promtool's expanding notation: `a+bxn` per segment. */
export function counterValues(segments: readonly { perMinute: number; minutes: number }[]): string {
  let value = 0;
  const parts = ["0"];
  for (const { perMinute, minutes } of segments) {
    if (minutes <= 0) continue;
    parts.push(minutes === 1 ? `${value + perMinute}` : `${value + perMinute}+${perMinute}x${minutes - 1}`);
    value += perMinute * minutes;
  }
  return parts.join(" ");
}

type Phase = { errorRatio: number; minutes: number };

function withLabel(series: string, name: string, value: string): string {
  return `${series.slice(0, -1)}${series.endsWith("{}") ? "" : ", "}${name}="${value}"}`;
}

/**
 * Input series that give the SLI the error ratio of each phase in turn. A latency SLI is fed its
 * histogram; `le` is written as `leSpelling` so both client spellings (`800`, `800.0`) are exercised.
 */
function inputSeries(
  slo: Slo,
  phases: readonly Phase[],
  leSpelling: "plain" | "float",
): RuleTestGroup["input_series"] {
  const errors = phases.map((phase) => ({
    perMinute: Math.round(phase.errorRatio * EVENTS_PER_MINUTE),
    minutes: phase.minutes,
  }));
  const good = errors.map((phase) => ({
    perMinute: EVENTS_PER_MINUTE - phase.perMinute,
    minutes: phase.minutes,
  }));
  const all = phases.map((phase) => ({ perMinute: EVENTS_PER_MINUTE, minutes: phase.minutes }));
  const { sli } = slo;
  if (sli.kind === "events") {
    return [
      { series: sli.testSeries.error, values: counterValues(errors) },
      { series: sli.testSeries.success, values: counterValues(good) },
    ];
  }
  const labels = Object.entries(sli.selector).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  const bucket = `${sli.histogram}{${labels.join(", ")}}`;
  const le =
    leSpelling === "float" && Number.isInteger(sli.threshold)
      ? sli.threshold.toFixed(1)
      : String(sli.threshold);
  return [
    { series: withLabel(bucket, "le", le), values: counterValues(good) },
    { series: withLabel(bucket, "le", "+Inf"), values: counterValues(all) },
    {
      series: `${sli.histogram.slice(0, -"_bucket".length)}_count{${labels.join(", ")}}`,
      values: counterValues(all),
    },
  ];
}

function windowOf(alert: BurnWindow["alert"], index: number): BurnWindow {
  return BURN_WINDOWS.filter((window) => window.alert === alert)[index];
}

const minutesOf = (window: string): number => (parseDuration(window) as number) / 60;

/** Rounded error ratios, as the series carry them. */
function ratio(value: number): number {
  return Math.round(value * EVENTS_PER_MINUTE) / EVENTS_PER_MINUTE;
}

export interface SloAlerts {
  page: Alert;
  ticket: Alert;
}

/**
 * Two cases per SLO, three for a model SLO:
 * - a burn 1.2× the page's 14.4× pages once the 1h window has seen 2% of the budget (after 50
 *   minutes), and resolves once the 5m window is clean after the burn stops;
 * - a burn 1.2× the slowest ticket's 1× opens only that ticket, on its 6h/3d pair, and resolves
 *   when those windows fall back under 1×;
 * - a model SLO stays quiet through a two-minute total outage (validation keeps its objective low
 *   enough for that).
 * Expected labels are the ones the alert expression carries; routing labels are added later.
 */
export function sloTestGroups(slo: Slo, alerts: SloAlerts): RuleTestGroup[] {
  const budget = (100 - slo.objective) / 100;
  const fast = windowOf("page", 0);
  const slow = windowOf("ticket", 1);
  const series = (window: BurnWindow) => ({ ...sloSelector(slo), [LABEL.sloWindow]: window.short });
  const fires = (alert: Alert, window: BurnWindow) => [
    { exp_labels: series(window), exp_annotations: alert.annotations },
  ];
  const at = (minute: number) => `${minute}m`;
  const quiet = (alert: Alert, minute: number) => ({
    eval_time: at(minute),
    alertname: alert.name,
    exp_alerts: [],
  });

  // Just over the page's factor, or halfway to 100% errors when the budget leaves no room for that.
  const fastFactor = burnFactor(fast, slo.periodSeconds);
  const burning = ratio(Math.min(1.2 * fastFactor * budget, (1 + fastFactor * budget) / 2));
  // The long window crosses factor × budget after this many minutes of burning.
  const crossing = tidy((minutesOf(fast.long) * fastFactor * budget) / burning);
  const firedBy = HISTORY + Math.ceil(crossing) + MARGIN;
  const stopped = firedBy + 2;
  const pageCase: RuleTestGroup = {
    name:
      `${alerts.page.name}: a burn of ${tidy(burning / budget)}× the budget ` +
      `pages after ${crossing} minutes and resolves once the ${fast.short} window is clean`,
    interval: "1m",
    input_series: inputSeries(
      slo,
      [
        { errorRatio: 0, minutes: HISTORY },
        { errorRatio: burning, minutes: stopped - HISTORY },
        { errorRatio: 0, minutes: minutesOf(fast.short) + 2 * MARGIN },
      ],
      "plain",
    ),
    alert_rule_test: [
      quiet(alerts.page, HISTORY + Math.floor(crossing) - MARGIN),
      { eval_time: at(firedBy), alertname: alerts.page.name, exp_alerts: fires(alerts.page, fast) },
      quiet(alerts.page, stopped + minutesOf(fast.short) + 2 * MARGIN),
    ],
  };

  // 1.2× sits between the slowest ticket's factor and every other pair's.
  const slowFactor = burnFactor(slow, slo.periodSeconds);
  const steady = ratio(1.2 * slowFactor * budget);
  const burnMinutes = STEADY_MINUTES;
  // Both the 6h and the 3d window still hold all the data, so after the burn stops their ratio is
  // steady × burn / (burn + Δ), which falls to 1× the budget at Δ = burn × (steady / threshold − 1).
  const recovers = tidy(burnMinutes * (steady / (slowFactor * budget) - 1));
  const ticketCase: RuleTestGroup = {
    name:
      `${alerts.ticket.name}: a burn of ${tidy(steady / budget)}× opens only the slow ticket ` +
      `and resolves ${recovers} minutes after it stops`,
    interval: "1m",
    input_series: inputSeries(
      slo,
      [
        { errorRatio: steady, minutes: burnMinutes },
        { errorRatio: 0, minutes: Math.ceil(recovers) + 4 * MARGIN },
      ],
      "float",
    ),
    alert_rule_test: [
      { eval_time: at(60), alertname: alerts.ticket.name, exp_alerts: fires(alerts.ticket, slow) },
      quiet(alerts.page, 60),
      { eval_time: at(burnMinutes), alertname: alerts.ticket.name, exp_alerts: fires(alerts.ticket, slow) },
      quiet(alerts.page, burnMinutes),
      {
        eval_time: at(burnMinutes + Math.floor(recovers) - 4 * MARGIN),
        alertname: alerts.ticket.name,
        exp_alerts: fires(alerts.ticket, slow),
      },
      quiet(alerts.ticket, burnMinutes + Math.ceil(recovers) + 4 * MARGIN),
    ],
  };

  const groups = [pageCase, ticketCase];
  if (slo.alertType === "model") {
    groups.push({
      name: `${alerts.page.name}: a two-minute total outage (a blip) pages nobody`,
      interval: "1m",
      input_series: inputSeries(
        slo,
        [
          { errorRatio: 0, minutes: HISTORY },
          { errorRatio: 1, minutes: 2 },
          { errorRatio: 0, minutes: 30 },
        ],
        "plain",
      ),
      alert_rule_test: [1, 2, 3, 5, 10, 20, 30].map((minute) => quiet(alerts.page, HISTORY + minute)),
    });
  }
  return groups;
}

/** The page and ticket alerts generated for an SLO, looked up by the names conventions give them. */
export function sloAlertsOf(slo: Slo, alerts: readonly Alert[]): SloAlerts {
  const find = (burn: "fast" | "slow") => {
    const name = sloAlertName(slo.vertical, slo.name, burn);
    const found = alerts.find((alert) => alert.name === name);
    if (!found) throw new Error(`SLO ${slo.name} has no generated alert ${name}`);
    return found;
  };
  return { page: find("fast"), ticket: find("slow") };
}
