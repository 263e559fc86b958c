// Who is on call, and at what urgency, at a given instant: the PagerDuty half of "who gets woken up".
import { timeIntervalContains } from "../alertmanager/timeIntervals";
import { offsetMinutes, toTimeInterval } from "../plan/businessHours";
import type { OnCallPlan, ScheduleLayerPlan, ServicePlan, TeamOnCallPlan } from "../plan/onCall";
import { restrictionContains } from "./restrictions";

export interface OnCallNow {
  /** E-mail of the member on call in the team's rotation, or undefined outside its hours. */
  email?: string;
  name?: string;
}

/** The layer's member at `at`: turns of fixed wall-clock length from the virtual start, in member order. */
export function layerMemberAt(layer: ScheduleLayerPlan, timeZone: string, at: Date): string | undefined {
  const start = Date.parse(layer.rotationVirtualStart);
  if (at.getTime() < Date.parse(layer.start) || layer.users.length === 0) return undefined;
  if (
    layer.restrictions.length > 0 &&
    !layer.restrictions.some((r) => restrictionContains(r, timeZone, at))
  ) {
    return undefined;
  }
  // PagerDuty hands off at the same wall-clock time in the schedule's zone all year, so turns are
  // counted on that wall clock: across a daylight-saving change a week is 167 or 169 real hours.
  const wall = (instant: number) => instant + offsetMinutes(new Date(instant), timeZone) * 60_000;
  const turns = Math.floor((wall(at.getTime()) - wall(start)) / (layer.rotationTurnLengthSeconds * 1000));
  const index = ((turns % layer.users.length) + layer.users.length) % layer.users.length;
  return layer.users[index];
}

export function onCallAt(plan: OnCallPlan, team: TeamOnCallPlan, at: Date): OnCallNow {
  const schedule = team.schedule;
  if (!schedule) return {};
  for (const layer of schedule.layers) {
    const email = layerMemberAt(layer, schedule.timeZone, at);
    if (email) {
      const user = plan.users.find((candidate) => candidate.email.toLowerCase() === email.toLowerCase());
      return { email, name: user?.name };
    }
  }
  return {};
}

export function urgencyAt(service: ServicePlan, team: TeamOnCallPlan, at: Date): "high" | "low" {
  if (service.urgency.kind === "constant") return service.urgency.urgency;
  if (team.coverage.kind !== "business-hours") return "high";
  return timeIntervalContains(toTimeInterval(team.coverage.hours), at) ? "high" : "low";
}
