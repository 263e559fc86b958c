// What people did about the pages: PagerDuty's incidents and their log entries, reduced to time to
// acknowledge, time to resolve, who acknowledged, and whether anyone acted before it resolved.
import type { AlertingPlan } from "../plan/plan";

/** A log entry as PagerDuty's REST API returns it (`GET /incidents/{id}/log_entries`), the fields read. */
export interface PagerDutyLogEntry {
  type: string;
  created_at: string;
  agent?: { type?: string; summary?: string } | null;
}

/** An incident as `GET /incidents` returns it, the fields read, with its log entries. */
export interface PagerDutyIncident {
  id: string;
  title: string;
  created_at: string;
  service?: { summary?: string } | null;
  log_entries: PagerDutyLogEntry[];
}

export interface IncidentNoise {
  id: string;
  title: string;
  /** Read off the title Alertmanager writes: `<alertname> (<vertical>): <summary>`. */
  alertname: string | null;
  vertical: string | null;
  service: string;
  /** The team whose PagerDuty service the incident is on, when this stack declares the service. */
  team: string | null;
  createdAt: string;
  acknowledgedBy: string | null;
  acknowledgedAfterSeconds: number | null;
  resolvedAfterSeconds: number | null;
  /** `person` when someone resolved it, `itself` when Alertmanager or a timeout did. */
  resolvedBy: "person" | "itself" | null;
  /** A note, a reassignment or an escalation by a person before it resolved. */
  actioned: boolean;
  actions: string[];
}

const ACTIONS: Readonly<Record<string, string>> = {
  annotate_log_entry: "note",
  reassign_log_entry: "reassignment",
  escalate_log_entry: "escalation",
};

const byPerson = (entry: PagerDutyLogEntry) => entry.agent?.type === "user_reference";

function secondsBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 1000);
}

export function incidentNoise(
  plan: Pick<AlertingPlan, "onCall">,
  incident: PagerDutyIncident,
): IncidentNoise {
  const entries = [...incident.log_entries].sort(
    (a, b) => Date.parse(a.created_at) - Date.parse(b.created_at),
  );
  const acknowledged = entries.find((entry) => entry.type === "acknowledge_log_entry");
  const resolved = entries.find((entry) => entry.type === "resolve_log_entry");
  const before = resolved ? Date.parse(resolved.created_at) : Number.POSITIVE_INFINITY;
  // A note counts whoever wrote it; an escalation by a timeout is not somebody acting.
  const actions = entries
    .filter((entry) => entry.type in ACTIONS && Date.parse(entry.created_at) <= before)
    .filter((entry) => entry.type === "annotate_log_entry" || byPerson(entry))
    .map((entry) => ACTIONS[entry.type]);
  const service = incident.service?.summary ?? "";
  const team = plan.onCall.teams.find((candidate) => candidate.services.some((s) => s.name === service));
  const title = /^(\S+) \(([^)]+)\)/.exec(incident.title);
  return {
    id: incident.id,
    title: incident.title,
    alertname: title?.[1] ?? null,
    vertical: title?.[2] ?? null,
    service,
    team: team?.team ?? null,
    createdAt: incident.created_at,
    acknowledgedBy: acknowledged?.agent?.summary ?? null,
    acknowledgedAfterSeconds: acknowledged
      ? secondsBetween(incident.created_at, acknowledged.created_at)
      : null,
    resolvedAfterSeconds: resolved ? secondsBetween(incident.created_at, resolved.created_at) : null,
    resolvedBy: resolved ? (byPerson(resolved) ? "person" : "itself") : null,
    actioned: actions.length > 0,
    actions: [...new Set(actions)],
  };
}
