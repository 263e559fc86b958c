// The noise review's markdown: the weekly meeting's agenda, each finding with a concrete suggestion.
import { FREQUENT_FIRINGS, SELF_RESOLVED_SECONDS } from "../review/noise";
import type { AlertNoise, NoiseReport } from "../review/noiseReport";

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function table(header: string[], rows: (string | number)[][]): string[] {
  if (rows.length === 0) return ["None."];
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
}

const alertRef = (alert: { alertname: string; vertical: string }) =>
  `\`${alert.alertname}\` (${alert.vertical})`;

function noisiest(report: NoiseReport): string[] {
  const paging = report.alerts.filter((alert) => alert.pages > 0).slice(0, 10);
  return table(
    ["alert", "team", "firings", "pages", "off-hours", "median duration", "suggestion"],
    paging.map((alert) => [
      alertRef(alert),
      alert.team,
      alert.firings,
      alert.pages,
      alert.offHoursPages,
      duration(alert.medianDurationSeconds),
      alert.medianDurationSeconds <= SELF_RESOLVED_SECONDS
        ? "most pages resolve before anyone acts: a longer `for`, or `severity: warning`"
        : alert.pages >= 5
          ? "pages daily: fix the cause, or raise the threshold"
          : "check each page led to an action",
    ]),
  );
}

function unactioned(report: NoiseReport): string[] {
  if (!report.incidents) {
    return ["PagerDuty was not read (run with `--pagerduty-api` and `PAGERDUTY_TOKEN`)."];
  }
  const incidents = report.incidents.filter(
    (incident) => incident.acknowledgedBy !== null && !incident.actioned,
  );
  return [
    ...table(
      ["incident", "alert", "team", "acknowledged by", "after", "resolved after", "resolved by"],
      incidents.map((incident) => [
        incident.id,
        incident.alertname ? `\`${incident.alertname}\`` : incident.title,
        incident.team ?? incident.service,
        incident.acknowledgedBy ?? "",
        duration(incident.acknowledgedAfterSeconds ?? 0),
        incident.resolvedAfterSeconds === null ? "open" : duration(incident.resolvedAfterSeconds),
        incident.resolvedBy ?? "",
      ]),
    ),
    ...(incidents.length > 0
      ? [
          "",
          "Suggestion: a page someone acknowledges and leaves to resolve itself needs nobody: make it a warning, or write in its runbook what to do.",
        ]
      : []),
  ];
}

function quiet(report: NoiseReport): AlertNoise[] {
  return report.alerts.filter((alert) => alert.pages === 0 && alert.firings >= FREQUENT_FIRINGS);
}

export function renderNoiseMarkdown(report: NoiseReport): string {
  const nightPages = report.pages.filter((page) => page.offHours);
  const selfResolved = report.alerts.filter(
    (alert) =>
      alert.pages > 0 &&
      report.pages.some(
        (page) =>
          page.alertname === alert.alertname &&
          page.vertical === alert.vertical &&
          page.durationSeconds <= SELF_RESOLVED_SECONDS,
      ),
  );
  const heldBack = report.alerts.filter((alert) => alert.heldBack > 0);
  const untested = report.neverFired.filter((alert) => !alert.tested);
  const neverFiredByVertical = new Map<string, string[]>();
  for (const alert of report.neverFired) {
    neverFiredByVertical.set(alert.vertical, [
      ...(neverFiredByVertical.get(alert.vertical) ?? []),
      `\`${alert.alertname}\`${alert.tested ? "" : " (untested)"}`,
    ]);
  }
  const lines = [
    `# Alert-noise review: ${report.stack}`,
    "",
    `${report.window.from} to ${report.window.to}, firings read at a step of ${report.stepSeconds} s, routed with ${report.routedWith}.`,
    "",
    "## Summary",
    "",
    ...report.summary.split("\n").map((line) => `- ${line}`),
    "",
    "## Pages per team",
    "",
    "Off-hours: outside the team's business hours (for a 24x7 team, the business-hours tier's), when the page started.",
    "",
    ...table(
      ["team", "pages", "off-hours pages", "notifications", "business hours"],
      report.teams.map((team) => [
        team.team,
        team.pages,
        team.offHoursPages,
        team.notifications,
        team.businessHours,
      ]),
    ),
    "",
    "![Pages per team per day](pages-per-team.svg)",
    "",
    "## Pages per tier",
    "",
    ...table(
      ["tier", "firings", "pages"],
      report.tiers.map((tier) => [tier.tier, tier.firings, tier.pages]),
    ),
    "",
    "## Noisiest alerts",
    "",
    ...noisiest(report),
    "",
    "## Pages outside business hours",
    "",
    ...table(
      ["started (UTC)", "alert", "team", "tier", "lasted"],
      nightPages.map((page) => [
        page.start,
        alertRef(page),
        page.team,
        page.tier,
        duration(page.durationSeconds),
      ]),
    ),
    ...(nightPages.length > 0
      ? [
          "",
          "Suggestion: for each, was waking someone needed? If the customer's tier does not pay for nights, route it under its own tier (a per-customer alert); if it could wait, make it a warning.",
        ]
      : []),
    "",
    `## Paged and resolved within ${SELF_RESOLVED_SECONDS / 60} minutes`,
    "",
    ...table(
      ["alert", "team", "pages", "median duration", "suggestion"],
      selfResolved.map((alert) => [
        alertRef(alert),
        alert.team,
        alert.pages,
        duration(alert.medianDurationSeconds),
        "a longer `for` (or `keep_firing_for` to merge flaps), or `severity: warning`",
      ]),
    ),
    "",
    "## Acknowledged and never actioned",
    "",
    ...unactioned(report),
    "",
    `## Fired ${FREQUENT_FIRINGS} times or more without paging anyone`,
    "",
    ...table(
      ["alert", "team", "firings", "median duration", "suggestion"],
      quiet(report).map((alert) => [
        alertRef(alert),
        alert.team,
        alert.firings,
        duration(alert.medianDurationSeconds),
        alert.heldBack === alert.firings
          ? "always held back by inhibition: keep it only if its own notification matters"
          : "nobody acts on it: demote to `severity: info`, or delete it",
      ]),
    ),
    "",
    "## Held back by inhibition",
    "",
    ...table(
      ["alert", "team", "firings", "held back"],
      heldBack.map((alert) => [alertRef(alert), alert.team, alert.firings, alert.heldBack]),
    ),
    "",
    "## Catalogue alerts that never fired",
    "",
    ...(report.neverFired.length === 0
      ? ["None."]
      : [
          `${report.neverFired.length} alert(s); ${untested.length} without a rule test that makes it fire. Suggestion: an alert with a firing rule test is still correct and simply quiet; one without needs a test (alerts/tests/<vertical>.yaml) or deleting.`,
          "",
          ...[...neverFiredByVertical].map(([vertical, alerts]) => `- ${vertical}: ${alerts.join(", ")}`),
        ]),
    "",
  ];
  return lines.join("\n");
}
