// Business hours are defined once and become three things: the Alertmanager time interval, the
// PagerDuty schedule restrictions and the service's support hours. On every minute of a week that
// crosses a daylight-saving change, the three agree.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { timeIntervalContains } from "../../alertmanager/timeIntervals";
import { WEEKDAYS } from "../../core/conventions";
import {
  type BusinessHours,
  toScheduleRestrictions,
  toSupportHours,
  toTimeInterval,
} from "../../plan/businessHours";
import { restrictionsCover, supportHoursCover } from "../support/pagerdutyHours";

const TIERS: { label: string; hours: BusinessHours; dstWeekStart: string }[] = [
  {
    label: "New York, Mon–Fri 09:00–18:00, across the March change",
    hours: { timeZone: "America/New_York", days: WEEKDAYS.slice(0, 5), start: "09:00", end: "18:00" },
    dstWeekStart: "2026-03-05T00:00:00Z",
  },
  {
    label: "New York, across the November change",
    hours: { timeZone: "America/New_York", days: WEEKDAYS.slice(0, 5), start: "09:00", end: "18:00" },
    dstWeekStart: "2026-10-29T00:00:00Z",
  },
  {
    label: "Berlin, Mon–Sat 01:30–03:30 (inside the night the clocks jump)",
    hours: { timeZone: "Europe/Berlin", days: WEEKDAYS.slice(0, 6), start: "01:30", end: "03:30" },
    dstWeekStart: "2026-03-26T00:00:00Z",
  },
  {
    label: "Sydney, weekends 10:00–16:00, across the April change",
    hours: { timeZone: "Australia/Sydney", days: ["saturday", "sunday"], start: "10:00", end: "16:00" },
    dstWeekStart: "2026-04-01T00:00:00Z",
  },
];

function readings(hours: BusinessHours, instant: Date) {
  return {
    alertmanager: timeIntervalContains(toTimeInterval(hours), instant),
    schedule: restrictionsCover(toScheduleRestrictions(hours), hours.timeZone, instant),
    supportHours: supportHoursCover(toSupportHours(hours), instant),
  };
}

describe("business hours agree in Alertmanager, the schedule and the support hours", () => {
  for (const { label, hours, dstWeekStart } of TIERS) {
    it(`every minute of a week with a clock change: ${label}`, () => {
      const start = Date.parse(dstWeekStart);
      let inside = 0;
      for (let minute = 0; minute < 8 * 1440; minute++) {
        const instant = new Date(start + minute * 60000);
        const read = readings(hours, instant);
        assert.deepEqual(
          { schedule: read.schedule, supportHours: read.supportHours },
          { schedule: read.alertmanager, supportHours: read.alertmanager },
          `${instant.toISOString()} in ${hours.timeZone}`,
        );
        if (read.alertmanager) inside++;
      }
      assert.ok(inside > 0, "the week never fell inside business hours; the comparison proved nothing");
    });
  }

  it("for any valid hours and any instant of 2026", () => {
    const zones = [
      "America/New_York",
      "America/Los_Angeles",
      "Europe/London",
      "Asia/Kolkata",
      "Australia/Sydney",
      "UTC",
    ];
    const hoursArb = fc
      .record({
        timeZone: fc.constantFrom(...zones),
        days: fc.subarray([...WEEKDAYS], { minLength: 1 }),
        start: fc.integer({ min: 0, max: 23 * 60 + 58 }),
        length: fc.integer({ min: 1, max: 24 * 60 - 1 }),
      })
      .filter(({ start, length }) => start + length <= 23 * 60 + 59)
      .map(({ timeZone, days, start, length }): BusinessHours => {
        const clock = (m: number) =>
          `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
        return { timeZone, days, start: clock(start), end: clock(start + length) };
      });
    const instantArb = fc.integer({
      min: Date.parse("2026-01-01T00:00:00Z") / 60000,
      max: Date.parse("2027-01-01T00:00:00Z") / 60000,
    });
    fc.assert(
      fc.property(hoursArb, instantArb, (hours, minute) => {
        const read = readings(hours, new Date(minute * 60000));
        return read.alertmanager === read.schedule && read.alertmanager === read.supportHours;
      }),
      { numRuns: 5000 },
    );
  });
});
