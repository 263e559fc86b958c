// Whether a PagerDuty weekly restriction holds at an instant, read in the schedule's time zone.

import { clockMinutes } from "../alertmanager/timeIntervals";
import { WEEKDAYS } from "../core/conventions";
import { localTime, type ScheduleRestriction } from "../plan/businessHours";

const WEEK_MINUTES = 7 * 1440;

export function restrictionContains(restriction: ScheduleRestriction, timeZone: string, at: Date): boolean {
  const { weekday, minute } = localTime(at, timeZone);
  const now = WEEKDAYS.indexOf(weekday) * 1440 + minute;
  // `HH:MM:SS`, PagerDuty's form; restrictions start on whole minutes.
  const start =
    (restriction.startDayOfWeek - 1) * 1440 + clockMinutes(restriction.startTimeOfDay.slice(0, 5));
  return (now - start + WEEK_MINUTES) % WEEK_MINUTES < restriction.durationSeconds / 60;
}
