// The PagerDuty and Slack side of the plan: users, one rotation per team following its coverage, one
// escalation policy per team (plus its SEV1 variant), one service per paging receiver, one channel
// per team. Components declare exactly this; the counts depend on teams, never on alerts.

import { managedByStack, WEEKDAYS } from "../core/conventions";
import { alertsOf } from "../core/rules";
import type { TeamConfig } from "../input/config";
import type { AlertingModel } from "../input/model";
import {
  type BusinessHours,
  offsetMinutes,
  type ScheduleRestriction,
  type SupportHours,
  toScheduleRestrictions,
  toSupportHours,
  zonedInstant,
} from "./businessHours";
import type { TeamCoverage } from "./coverage";
import type { ReceiverPlan } from "./receivers";
import { pagingReceivers } from "./routes";

export interface UserPlan {
  email: string;
  name: string;
  timeZone: string;
  /** Looked up by e-mail rather than created: it exists already, or only a secondary names it. */
  existing: boolean;
  /** The team whose component declares or looks the user up: the first that lists them. */
  homeTeam: string;
}

export type EscalationTarget = { kind: "schedule"; team: string } | { kind: "user"; email: string };

export interface EscalationLevel {
  delayMinutes: number;
  targets: EscalationTarget[];
}

export interface EscalationPolicyPlan {
  kind: "default" | "sev1";
  name: string;
  numLoops: number;
  levels: EscalationLevel[];
}

export interface ScheduleLayerPlan {
  name: string;
  /** Fixed instants, so a re-run never shows a diff; the hand-off day and time come from config. */
  start: string;
  rotationVirtualStart: string;
  rotationTurnLengthSeconds: number;
  /** Member e-mails, in rotation order. */
  users: string[];
  restrictions: ScheduleRestriction[];
}

export interface SchedulePlan {
  name: string;
  timeZone: string;
  layers: ScheduleLayerPlan[];
}

export type UrgencyPlan =
  | { kind: "constant"; urgency: "high" }
  | { kind: "support-hours"; supportHours: SupportHours };

/**
 * PagerDuty's time-based grouping: alerts reaching the service while its incident is open, within
 * this many minutes of the incident's first alert, join that incident instead of opening new ones.
 */
export interface AlertGroupingPlan {
  type: "time";
  timeoutMinutes: number;
}

export interface ServicePlan {
  /** The Alertmanager receiver that pages this service; also the name of its key file. */
  receiver: string;
  name: string;
  description: string;
  policy: "default" | "sev1";
  urgency: UrgencyPlan;
  autoResolveTimeoutSeconds: number;
  acknowledgementTimeoutSeconds: number;
  /** Absent: every alert opens its own incident. */
  alertGrouping?: AlertGroupingPlan;
}

export interface SlackChannelPlan {
  name: string;
  topic: string;
  purpose: string;
}

export interface TeamOnCallPlan {
  team: string;
  name: string;
  description: string;
  coverage: TeamCoverage;
  /** Member e-mails, in config order. */
  members: string[];
  schedule?: SchedulePlan;
  policies: EscalationPolicyPlan[];
  services: ServicePlan[];
  /** Only for a team that some receiver posts to in Slack: a channel nothing writes to is noise. */
  slackChannel?: SlackChannelPlan;
}

/**
 * A vertical as its customers see it: a PagerDuty business service that depends on the team services
 * its alerts can page, so an incident on any of them shows on the vertical (and on a status page fed
 * from it).
 */
export interface BusinessServicePlan {
  vertical: string;
  name: string;
  description: string;
  /** The team services it depends on, by team and service (the receiver that pages it), sorted. */
  supporting: { team: string; service: string }[];
}

export interface OnCallPlan {
  users: UserPlan[];
  /** In declaration order: the executive team first, since SEV1 policies end at its schedule. */
  teams: TeamOnCallPlan[];
  businessServices: BusinessServicePlan[];
  protect: boolean;
  slackWorkspaceId?: string;
}

const titleCase = (id: string) =>
  id
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");

function buildBusinessServices(
  model: AlertingModel,
  coverages: ReadonlyMap<string, TeamCoverage>,
  receivers: readonly ReceiverPlan[],
  prefix: string,
): BusinessServicePlan[] {
  const byName = new Map(receivers.map((receiver) => [receiver.name, receiver]));
  return model.verticals.map((vertical) => {
    const supporting = new Map<string, { team: string; service: string }>();
    for (const alert of alertsOf(vertical)) {
      for (const name of pagingReceivers(model, coverages, vertical, alert)) {
        const receiver = byName.get(name);
        if (receiver?.pagerduty) {
          supporting.set(receiver.pagerduty.service, {
            team: receiver.team,
            service: receiver.pagerduty.service,
          });
        }
      }
    }
    return {
      vertical: vertical.id,
      name: `${prefix}${titleCase(vertical.id)}`,
      description: `The ${vertical.id} vertical as its customers see it: an incident on a team service its alerts page shows here. ${managedByStack(model.stack)}`,
      supporting: [...supporting.values()].sort((a, b) =>
        a.service < b.service ? -1 : a.service > b.service ? 1 : 0,
      ),
    };
  });
}

/** A Monday long past: rotations are anchored to it, so their phase never depends on deploy time. */
const ANCHOR_MONDAY = { year: 2024, month: 1, day: 1 };

/** ISO 8601 with the zone's offset at that wall time, e.g. `2024-01-01T09:00:00-05:00`. */
export function zonedTimestamp(day: number, clock: string, timeZone: string): string {
  const instant = zonedInstant({ ...ANCHOR_MONDAY, day: ANCHOR_MONDAY.day + day }, clock, timeZone);
  const offset = offsetMinutes(instant, timeZone);
  const wall = new Date(instant.getTime() + offset * 60000).toISOString().slice(0, 19);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/**
 * Each user once, declared by the first team (in declaration order) that names them, as member or
 * secondary, so every later team finds the id already there. A member is looked up by e-mail
 * unless they say `existing: false` or the stack sets `pagerduty.createUsers`; someone who is only a
 * secondary responder is never ours to create, and is always looked up. A person listed by several
 * teams is looked up when any listing says `existing: true`, else created when any says `false`: a
 * listing that says nothing takes the stack's default and never overrides one that says.
 */
function buildUsers(teams: readonly TeamConfig[], createUsers: boolean): UserPlan[] {
  const members = new Map<string, TeamConfig["members"][number] & { said?: boolean }>();
  for (const member of teams.flatMap((team) => team.members)) {
    const key = member.email.toLowerCase();
    const known = members.get(key);
    const said = member.existing === true ? true : (known?.said ?? member.existing);
    members.set(key, { ...(known ?? member), said });
  }
  const users = new Map<string, UserPlan>();
  for (const team of teams) {
    for (const email of [...team.members.map((member) => member.email), ...team.escalation.secondary]) {
      const key = email.toLowerCase();
      if (users.has(key)) continue;
      const member = members.get(key);
      users.set(key, {
        email: member?.email ?? email,
        name: member?.name ?? email,
        timeZone: member?.timeZone ?? "UTC",
        existing: member ? (member.said ?? !createUsers) : true,
        homeTeam: team.id,
      });
    }
  }
  return [...users.values()];
}

function buildSchedule(team: TeamConfig, coverage: TeamCoverage, prefix: string): SchedulePlan | undefined {
  if (coverage.kind === "email-only") return undefined;
  const hours: BusinessHours | undefined = coverage.kind === "business-hours" ? coverage.hours : undefined;
  // Restrictions are read in the schedule's zone, so a business-hours rotation runs in the tier's zone.
  const timeZone = hours?.timeZone ?? team.rotation.timeZone ?? team.members[0].timeZone;
  const handoff = zonedTimestamp(
    WEEKDAYS.indexOf(team.rotation.handoffDay),
    team.rotation.handoffTime,
    timeZone,
  );
  return {
    name: `${prefix}${team.name} on-call`,
    timeZone,
    layers: [
      {
        name: hours ? "Business hours" : "24x7",
        start: handoff,
        rotationVirtualStart: handoff,
        rotationTurnLengthSeconds: team.rotation.turnLengthDays * 86400,
        users: team.members.map((member) => member.email),
        restrictions: hours ? toScheduleRestrictions(hours) : [],
      },
    ],
  };
}

/** Level 2 is the secondary responders; a team that names none escalates to all its members. */
function secondaryTargets(team: TeamConfig): EscalationTarget[] {
  const emails =
    team.escalation.secondary.length > 0 ? team.escalation.secondary : team.members.map((m) => m.email);
  return emails.map((email) => ({ kind: "user", email }));
}

function buildPolicies(
  model: AlertingModel,
  team: TeamConfig,
  services: ServicePlan[],
  prefix: string,
): EscalationPolicyPlan[] {
  const { delayMinutes, loops } = team.escalation;
  const policies: EscalationPolicyPlan[] = [];
  if (services.some((service) => service.policy === "default")) {
    policies.push({
      kind: "default",
      name: `${prefix}${team.name}`,
      numLoops: loops,
      levels: [
        { delayMinutes, targets: [{ kind: "schedule", team: team.id }] },
        { delayMinutes, targets: secondaryTargets(team) },
      ],
    });
  }
  if (services.some((service) => service.policy === "sev1")) {
    // The two levels before the executive share the SEV1 budget, so the CEO is reached in time.
    const within = model.config.pagerduty.sev1ExecutiveWithinMinutes;
    const first = Math.max(1, Math.min(delayMinutes, Math.floor(within / 2)));
    const second = Math.max(1, Math.min(delayMinutes, within - first));
    policies.push({
      kind: "sev1",
      name: `${prefix}${team.name} SEV1`,
      numLoops: loops,
      levels: [
        { delayMinutes: first, targets: [{ kind: "schedule", team: team.id }] },
        { delayMinutes: second, targets: secondaryTargets(team) },
        {
          delayMinutes: delayMinutes,
          targets: [{ kind: "schedule", team: model.config.routing.executiveTeam }],
        },
      ],
    });
  }
  return policies;
}

function buildServices(
  model: AlertingModel,
  team: TeamConfig,
  coverage: TeamCoverage,
  receivers: readonly ReceiverPlan[],
  prefix: string,
): ServicePlan[] {
  const { autoResolveTimeoutMinutes, acknowledgementTimeoutMinutes, alertGrouping } = model.config.pagerduty;
  return receivers
    .filter((receiver) => receiver.team === team.id && receiver.pagerduty)
    .map((receiver): ServicePlan => {
      const sev1 = receiver.qualifier === "sev1";
      // Outside business hours Alertmanager does not page; support hours keep PagerDuty in step in
      // case an incident is raised there by hand, and high urgency returns when the hours begin.
      const urgency: UrgencyPlan =
        !sev1 && coverage.kind === "business-hours"
          ? { kind: "support-hours", supportHours: toSupportHours(coverage.hours) }
          : { kind: "constant", urgency: "high" };
      return {
        receiver: receiver.name,
        name: `${prefix}${team.name}${sev1 ? " SEV1" : ""}`,
        description: `${sev1 ? "SEV1 alerts" : "Alerts"} routed to ${team.name} by Alertmanager (receiver ${receiver.name}). ${managedByStack(model.stack)}`,
        policy: sev1 ? "sev1" : "default",
        urgency,
        autoResolveTimeoutSeconds: autoResolveTimeoutMinutes * 60,
        acknowledgementTimeoutSeconds: acknowledgementTimeoutMinutes * 60,
        // Per service, so a SEV1 (on its own service) never joins a lesser incident, nor one a SEV1.
        ...(alertGrouping
          ? { alertGrouping: { type: "time", timeoutMinutes: alertGrouping.windowMinutes } }
          : {}),
      };
    });
}

export function buildOnCallPlan(
  model: AlertingModel,
  coverages: ReadonlyMap<string, TeamCoverage>,
  receivers: readonly ReceiverPlan[],
): OnCallPlan {
  const { pagerduty, routing } = model.config;
  const prefix = pagerduty.namePrefix ?? `[${model.stack}] `;
  const executive = model.config.teams.filter((team) => team.id === routing.executiveTeam);
  const ordered = [...executive, ...model.config.teams.filter((team) => team.id !== routing.executiveTeam)];
  const teams = ordered.map((team): TeamOnCallPlan => {
    const coverage = coverages.get(team.id) ?? { kind: "email-only" };
    const services = buildServices(model, team, coverage, receivers, prefix);
    return {
      team: team.id,
      name: `${prefix}${team.name}`,
      description: `${team.name}, managed by agent-alert-routing.`,
      coverage,
      members: team.members.map((member) => member.email),
      schedule: buildSchedule(team, coverage, prefix),
      policies: buildPolicies(model, team, services, prefix),
      services,
      ...(receivers.some((receiver) => receiver.team === team.id && receiver.slack)
        ? {
            slackChannel: {
              name: team.slackChannel.replace(/^#/, ""),
              topic: `On-call alerts for ${team.name}`,
              purpose: `Alertmanager notifications for team ${team.id}, managed by agent-alert-routing.`,
            },
          }
        : {}),
    };
  });
  return {
    users: buildUsers(ordered, pagerduty.createUsers),
    teams,
    businessServices: buildBusinessServices(model, coverages, receivers, prefix),
    protect: pagerduty.protect,
    slackWorkspaceId: pagerduty.slackWorkspaceId,
  };
}
