// How PagerDuty reads a schedule restriction and a service's support hours, written from its API
// documentation, independently of the code that produces them.

import { WEEKDAYS } from "../../core/conventions";
import type { ScheduleRestriction, SupportHours } from "../../plan/businessHours";

const WEEK_MINUTES = 7 * 1440;

const formats = new Map<string, Intl.DateTimeFormat>();

function wallClock(instant: Date, timeZone: string): { isoDay: number; minute: number } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      weekday: "long",
      hour: "numeric",
      minute: "numeric",
      hourCycle: "h23",
    });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
  const isoDay = WEEKDAYS.indexOf(get("weekday").toLowerCase() as (typeof WEEKDAYS)[number]) + 1;
  return { isoDay, minute: Number(get("hour")) * 60 + Number(get("minute")) };
}

function hhmmss(text: string): number {
  const [h, m, s = "0"] = text.split(":");
  return Number(h) * 60 + Number(m) + Number(s) / 60;
}

/** A weekly restriction covers [start, start + duration) from its weekday, in the schedule's zone. */
export function restrictionsCover(
  restrictions: readonly ScheduleRestriction[],
  scheduleZone: string,
  instant: Date,
): boolean {
  const { isoDay, minute } = wallClock(instant, scheduleZone);
  const now = (isoDay - 1) * 1440 + minute;
  return restrictions.some((restriction) => {
    const start = (restriction.startDayOfWeek - 1) * 1440 + hhmmss(restriction.startTimeOfDay);
    const offset = (now - start + WEEK_MINUTES) % WEEK_MINUTES;
    return offset < restriction.durationSeconds / 60;
  });
}

/** Support hours hold on the listed ISO weekdays from start time to end time, in their zone. */
export function supportHoursCover(hours: SupportHours, instant: Date): boolean {
  const { isoDay, minute } = wallClock(instant, hours.timeZone);
  return (
    hours.daysOfWeeks.includes(isoDay) && hhmmss(hours.startTime) <= minute && minute < hhmmss(hours.endTime)
  );
}
