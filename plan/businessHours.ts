// Business hours are defined once, on a tier, and become three things that must agree: the
// Alertmanager time interval, the PagerDuty schedule restrictions, and the service's support hours.

import { clockMinutes } from "../alertmanager/timeIntervals";
import { WEEKDAY_NAMES, wallClock } from "../alertmanager/wallClock";
import { WEEKDAYS, type Weekday } from "../core/conventions";

export interface BusinessHours {
  timeZone: string;
  days: readonly Weekday[];
  /** `HH:MM`, inclusive. */
  start: string;
  /** `HH:MM`, exclusive, later than start on the same day. */
  end: string;
}

export interface AlertmanagerTimeInterval {
  weekdays: Weekday[];
  times: { start_time: string; end_time: string }[];
  location: string;
}

export interface ScheduleRestriction {
  type: "weekly_restriction";
  /** ISO weekday: 1 is Monday, 7 is Sunday. */
  startDayOfWeek: number;
  startTimeOfDay: string;
  durationSeconds: number;
}

export interface SupportHours {
  type: "fixed_time_per_day";
  timeZone: string;
  daysOfWeeks: number[];
  startTime: string;
  endTime: string;
}

/** ISO weekday number of a day name: monday → 1, sunday → 7. */
export function isoWeekday(day: Weekday): number {
  return WEEKDAYS.indexOf(day) + 1;
}

function orderedDays(hours: BusinessHours): Weekday[] {
  return WEEKDAYS.filter((day) => hours.days.includes(day));
}

export function toTimeInterval(hours: BusinessHours): AlertmanagerTimeInterval {
  return {
    weekdays: orderedDays(hours),
    times: [{ start_time: hours.start, end_time: hours.end }],
    location: hours.timeZone,
  };
}

/** One weekly restriction per day; the schedule carrying them must use `hours.timeZone`. */
export function toScheduleRestrictions(hours: BusinessHours): ScheduleRestriction[] {
  const durationSeconds = (clockMinutes(hours.end) - clockMinutes(hours.start)) * 60;
  return orderedDays(hours).map((day) => ({
    type: "weekly_restriction",
    startDayOfWeek: isoWeekday(day),
    startTimeOfDay: `${hours.start}:00`,
    durationSeconds,
  }));
}

export function toSupportHours(hours: BusinessHours): SupportHours {
  return {
    type: "fixed_time_per_day",
    timeZone: hours.timeZone,
    daysOfWeeks: orderedDays(hours).map(isoWeekday),
    startTime: `${hours.start}:00`,
    endTime: `${hours.end}:00`,
  };
}

/** The wall-clock weekday and minute of the day of an instant, in a time zone. */
export function localTime(instant: Date, timeZone: string): { weekday: Weekday; minute: number } {
  const clock = wallClock(instant, timeZone);
  return { weekday: WEEKDAY_NAMES[clock.weekday], minute: clock.minute };
}

/** Minutes the zone's wall clock is ahead of UTC at an instant (negative west of Greenwich). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const clock = wallClock(instant, timeZone);
  const wall = Date.UTC(clock.year, clock.month - 1, clock.day, 0, clock.minute);
  return Math.round((wall - Math.floor(instant.getTime() / 60000) * 60000) / 60000);
}

/** The instant a wall clock in a zone shows a date and `HH:MM`; callers use days the clock does not change on. */
export function zonedInstant(
  date: { year: number; month: number; day: number },
  clock: string,
  timeZone: string,
): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, clockMinutes(clock));
  // Guess with the offset at the wall time read as UTC, then correct once across a DST change.
  const first = wall - offsetMinutes(new Date(wall), timeZone) * 60000;
  return new Date(wall - offsetMinutes(new Date(first), timeZone) * 60000);
}
