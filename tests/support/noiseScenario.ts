// A known week of prod's ALERTS history and of PagerDuty incidents, for the noise review's tests:
// the unit test reads it as series, the end-to-end test writes it into a real Prometheus' TSDB.
// The week starts on a Monday at 00:00 UTC; times are chosen so that New York's business hours
// (prod's business tier, 09:00–18:00 on weekdays) hold them the same in summer and in winter.
import type { PagerDutyIncident } from "../../review/noiseIncidents";
import type { NoiseReport } from "../../review/noiseReport";

export const STEP_SECONDS = 60;
const MINUTE = 60_000;
const DAY = 1440;
const [MON, TUE, WED, THU, SUN] = [0, DAY, 2 * DAY, 3 * DAY, 6 * DAY];
const at = (day: number, hour: number, minute = 0) => day + hour * 60 + minute;

export interface ScenarioSeries {
  labels: Record<string, string>;
  /** Runs of samples, one per minute, as [first, last] minutes after the week's start. */
  runs: [number, number][];
}

const healthcare = { vertical: "healthcare" };
export const SERIES: ScenarioSeries[] = [
  {
    // Pages AI engineering at 02:00 in New York: an enterprise (24x7) page at night.
    labels: {
      alertname: "HealthcareFtlP95High",
      alert_type: "model",
      severity: "critical",
      symptom: "ftl-latency",
      team: "ai-eng",
      ...healthcare,
    },
    runs: [[at(WED, 7), at(WED, 7, 29)]],
  },
  {
    // A business-tier customer's alert: it pages in business hours, and only notifies at night.
    labels: {
      alertname: "HealthcareCustomerEhrFailing",
      alert_type: "tool",
      severity: "critical",
      team: "integrations",
      tool_name: "ehr",
      customer: "bolt",
      tier: "business",
      ...healthcare,
    },
    runs: [
      [at(WED, 16), at(WED, 16, 19)],
      [at(THU, 3), at(THU, 3, 19)],
    ],
  },
  {
    // The vertical is down: pages platform's SEV1 service, and holds back the model alert below.
    labels: {
      alertname: "HealthcareServiceDown",
      alert_type: "infra",
      impact: "vertical",
      priority: "P1",
      severity: "critical",
      team: "platform",
      ...healthcare,
    },
    runs: [[at(TUE, 15), at(TUE, 15, 59)]],
  },
  {
    labels: {
      alertname: "HealthcareIntentAccuracyDrop",
      alert_type: "model",
      severity: "critical",
      team: "ai-eng",
      ...healthcare,
    },
    runs: [[at(TUE, 15, 10), at(TUE, 15, 39)]],
  },
  {
    // Pages and resolves itself three minutes later.
    labels: {
      alertname: "HealthcareCrashLoop",
      alert_type: "infra",
      auto_remediation: "restart-pod",
      severity: "critical",
      team: "platform",
      ...healthcare,
    },
    runs: [[at(TUE, 20), at(TUE, 20, 2)]],
  },
  {
    // A warning that fires four times and pages nobody. One missed minute splits the first two
    // firings; the last one spans the end of the first 10,000-step query.
    labels: {
      alertname: "HealthcareConversationSuccessRatioLow",
      alert_type: "model",
      severity: "warning",
      team: "ai-eng",
      ...healthcare,
    },
    runs: [
      [at(MON, 10), at(MON, 10, 4)],
      [at(MON, 10, 6), at(MON, 10, 9)],
      [at(MON, 12), at(MON, 12)],
      [at(SUN, 22, 30), at(SUN, 22, 50)],
    ],
  },
  {
    // The heartbeat fires all week; it is not an alert for people and the review leaves it out.
    labels: { alertname: "Watchdog", alert_type: "infra", severity: "info", team: "platform", ...healthcare },
    runs: [[0, 7 * DAY - 1]],
  },
];

/** The sample times (ms) of a series in a week starting at `from`. */
export function sampleTimes(series: ScenarioSeries, from: number): number[] {
  return series.runs.flatMap(([first, last]) =>
    Array.from({ length: last - first + 1 }, (_, i) => from + (first + i) * MINUTE),
  );
}

/** What the review must count in this week. */
export const EXPECTED = {
  totals: { firings: 10, pages: 4, offHoursPages: 1, heldBack: 1 },
  teams: {
    "ai-eng": { pages: 1, offHoursPages: 1, notifications: 5 },
    platform: { pages: 2, offHoursPages: 0, notifications: 2 },
    integrations: { pages: 1, offHoursPages: 0, notifications: 2 },
    "crm-owners": { pages: 0, offHoursPages: 0, notifications: 0 },
    "calendar-owners": { pages: 0, offHoursPages: 0, notifications: 0 },
    exec: { pages: 0, offHoursPages: 0, notifications: 0 },
  },
  /** alertname: [firings, pages, offHoursPages, heldBack, medianDurationSeconds], in report order. */
  alerts: [
    ["HealthcareCustomerEhrFailing", 2, 1, 0, 0, 1200],
    ["HealthcareCrashLoop", 1, 1, 0, 0, 180],
    ["HealthcareFtlP95High", 1, 1, 1, 0, 1800],
    ["HealthcareServiceDown", 1, 1, 0, 0, 3600],
    ["HealthcareConversationSuccessRatioLow", 4, 0, 0, 0, 270],
    ["HealthcareIntentAccuracyDrop", 1, 0, 0, 1, 1800],
  ],
  tiers: {
    enterprise: { firings: 8, pages: 3 },
    business: { firings: 2, pages: 1 },
    trial: { firings: 0, pages: 0 },
  },
} as const;

const iso = (from: number, minute: number, seconds = 0) =>
  new Date(from + minute * MINUTE + seconds * 1000).toISOString();
const user = (summary: string) => ({ type: "user_reference", summary });
const service = (summary: string) => ({ type: "service_reference", summary });

/** PagerDuty's incidents for the week's pages, with their log entries, as its REST API returns them. */
export function incidents(from: number): PagerDutyIncident[] {
  const incident = (
    id: string,
    title: string,
    serviceName: string,
    created: number,
    entries: [string, number, object][],
  ) => ({
    id,
    title,
    created_at: iso(from, created),
    service: { summary: serviceName },
    log_entries: entries.map(([type, afterSeconds, agent]) => ({
      type,
      created_at: iso(from, created, afterSeconds),
      agent,
    })),
  });
  return [
    // Acknowledged after five minutes, then left to resolve itself: acknowledged, never actioned.
    incident(
      "PFTL001",
      "HealthcareFtlP95High (healthcare): First-token latency p95 is above 800 ms",
      "AI Engineering",
      at(WED, 7, 1),
      [
        ["trigger_log_entry", 0, service("AI Engineering")],
        ["acknowledge_log_entry", 300, user("Dana Levi")],
        ["resolve_log_entry", 1740, service("AI Engineering")],
      ],
    ),
    // A note before a person resolves it: actioned.
    incident(
      "PEHR001",
      "HealthcareCustomerEhrFailing (healthcare): One healthcare customer's EHR connection is failing",
      "Integrations",
      at(WED, 16, 1),
      [
        ["trigger_log_entry", 0, service("Integrations")],
        ["acknowledge_log_entry", 120, user("Gita Rao")],
        ["annotate_log_entry", 240, user("Gita Rao")],
        ["resolve_log_entry", 1200, user("Gita Rao")],
      ],
    ),
    // Escalated by its timeout (nobody acting), then acknowledged and reassigned by a person: actioned.
    incident(
      "PDWN001",
      "HealthcareServiceDown (healthcare): Healthcare is down",
      "Platform SEV1",
      at(TUE, 15, 1),
      [
        ["trigger_log_entry", 0, service("Platform SEV1")],
        ["escalate_log_entry", 900, service("Platform SEV1")],
        ["acknowledge_log_entry", 1200, user("Ben Okafor")],
        ["reassign_log_entry", 1500, user("Ben Okafor")],
        ["resolve_log_entry", 3540, service("Platform SEV1")],
      ],
    ),
    // Never acknowledged; resolved itself after three minutes.
    incident(
      "PCRL001",
      "HealthcareCrashLoop (healthcare): A healthcare container is crash-looping",
      "Platform",
      at(TUE, 20, 1),
      [
        ["trigger_log_entry", 0, service("Platform")],
        ["resolve_log_entry", 180, service("Platform")],
      ],
    ),
  ];
}

export const EXPECTED_INCIDENTS = {
  PFTL001: {
    team: "ai-eng",
    acknowledgedBy: "Dana Levi",
    acknowledgedAfterSeconds: 300,
    resolvedAfterSeconds: 1740,
    resolvedBy: "itself",
    actioned: false,
  },
  PEHR001: {
    team: "integrations",
    acknowledgedBy: "Gita Rao",
    acknowledgedAfterSeconds: 120,
    resolvedAfterSeconds: 1200,
    resolvedBy: "person",
    actioned: true,
  },
  PDWN001: {
    team: "platform",
    acknowledgedBy: "Ben Okafor",
    acknowledgedAfterSeconds: 1200,
    resolvedAfterSeconds: 3540,
    resolvedBy: "itself",
    actioned: true,
  },
  PCRL001: {
    team: "platform",
    acknowledgedBy: null,
    acknowledgedAfterSeconds: null,
    resolvedAfterSeconds: 180,
    resolvedBy: "itself",
    actioned: false,
  },
} as const;

/** A report's counts in the shapes of EXPECTED and EXPECTED_INCIDENTS, so tests compare them whole. */
export function countsOf(report: NoiseReport) {
  return {
    totals: report.totals,
    teams: Object.fromEntries(
      report.teams.map((team) => [
        team.team,
        { pages: team.pages, offHoursPages: team.offHoursPages, notifications: team.notifications },
      ]),
    ),
    alerts: report.alerts.map((alert) => [
      alert.alertname,
      alert.firings,
      alert.pages,
      alert.offHoursPages,
      alert.heldBack,
      alert.medianDurationSeconds,
    ]),
    tiers: Object.fromEntries(
      report.tiers.map((tier) => [tier.tier, { firings: tier.firings, pages: tier.pages }]),
    ),
    incidents: Object.fromEntries(
      (report.incidents ?? []).map((incident) => [
        incident.id,
        {
          team: incident.team,
          acknowledgedBy: incident.acknowledgedBy,
          acknowledgedAfterSeconds: incident.acknowledgedAfterSeconds,
          resolvedAfterSeconds: incident.resolvedAfterSeconds,
          resolvedBy: incident.resolvedBy,
          actioned: incident.actioned,
        },
      ]),
    ),
  };
}
