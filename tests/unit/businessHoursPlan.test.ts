// The three forms of a business-hours tier, exactly as they are written: the Alertmanager time
// interval (weekday names in calendar order, one HH:MM range, the tier's zone as its location), one
// PagerDuty weekly restriction per day (ISO weekday, HH:MM:SS start, the span in seconds) and the
// service's support hours (ISO weekdays, HH:MM:SS start and end, the zone); and the wall-clock helpers
// the schedules and the review read time with (weekday and minute, UTC offset, a zone's wall time).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type BusinessHours,
  isoWeekday,
  localTime,
  offsetMinutes,
  toScheduleRestrictions,
  toSupportHours,
  toTimeInterval,
  zonedInstant,
} from "../../plan/businessHours";

const NEW_YORK_WEEKDAYS: BusinessHours = {
  timeZone: "America/New_York",
  days: ["monday", "tuesday", "wednesday", "thursday", "friday"],
  start: "09:00",
  end: "18:00",
};

/** Days listed out of calendar order, a weekend among them, and times off the hour. */
const BERLIN_ODD_DAYS: BusinessHours = {
  timeZone: "Europe/Berlin",
  days: ["sunday", "wednesday", "monday", "saturday"],
  start: "07:45",
  end: "12:15",
};

const SYDNEY_WEEKEND: BusinessHours = {
  timeZone: "Australia/Sydney",
  days: ["saturday", "sunday"],
  start: "10:00",
  end: "16:00",
};

/** The longest span a tier can hold: from midnight to the last minute of the day. */
const WHOLE_DAY_UTC: BusinessHours = { timeZone: "UTC", days: ["tuesday"], start: "00:00", end: "23:59" };

describe("ISO weekdays", () => {
  it("number Monday 1 through Sunday 7", () => {
    assert.deepEqual(
      (["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const).map(
        isoWeekday,
      ),
      [1, 2, 3, 4, 5, 6, 7],
    );
  });
});

describe("the Alertmanager time interval of business hours", () => {
  it("New York weekdays: the five day names, 09:00–18:00, located in New York", () => {
    assert.deepEqual(toTimeInterval(NEW_YORK_WEEKDAYS), {
      weekdays: ["monday", "tuesday", "wednesday", "thursday", "friday"],
      times: [{ start_time: "09:00", end_time: "18:00" }],
      location: "America/New_York",
    });
  });

  it("lists the days Monday first whatever order the tier gives them in, Sunday last", () => {
    assert.deepEqual(toTimeInterval(BERLIN_ODD_DAYS), {
      weekdays: ["monday", "wednesday", "saturday", "sunday"],
      times: [{ start_time: "07:45", end_time: "12:15" }],
      location: "Europe/Berlin",
    });
  });
});

describe("the PagerDuty schedule restrictions of business hours", () => {
  it("one weekly restriction per weekday, from 09:00:00 for nine hours", () => {
    const restriction = (startDayOfWeek: number) => ({
      type: "weekly_restriction",
      startDayOfWeek,
      startTimeOfDay: "09:00:00",
      durationSeconds: 9 * 3600,
    });
    assert.deepEqual(toScheduleRestrictions(NEW_YORK_WEEKDAYS), [1, 2, 3, 4, 5].map(restriction));
  });

  it("times off the hour span their minutes (07:45–12:15 is 4 h 30 min), days in ISO order", () => {
    const restriction = (startDayOfWeek: number) => ({
      type: "weekly_restriction",
      startDayOfWeek,
      startTimeOfDay: "07:45:00",
      durationSeconds: 16200,
    });
    assert.deepEqual(toScheduleRestrictions(BERLIN_ODD_DAYS), [1, 3, 6, 7].map(restriction));
  });

  it("a weekend tier restricts Saturday (6) and Sunday (7)", () => {
    assert.deepEqual(
      toScheduleRestrictions(SYDNEY_WEEKEND).map((r) => [
        r.startDayOfWeek,
        r.startTimeOfDay,
        r.durationSeconds,
      ]),
      [
        [6, "10:00:00", 21600],
        [7, "10:00:00", 21600],
      ],
    );
  });

  it("a day from midnight to 23:59 lasts 1439 minutes", () => {
    assert.deepEqual(toScheduleRestrictions(WHOLE_DAY_UTC), [
      { type: "weekly_restriction", startDayOfWeek: 2, startTimeOfDay: "00:00:00", durationSeconds: 86340 },
    ]);
  });
});

describe("the support hours of business hours", () => {
  it("New York weekdays: ISO days 1–5, 09:00:00 to 18:00:00, in the tier's zone", () => {
    assert.deepEqual(toSupportHours(NEW_YORK_WEEKDAYS), {
      type: "fixed_time_per_day",
      timeZone: "America/New_York",
      daysOfWeeks: [1, 2, 3, 4, 5],
      startTime: "09:00:00",
      endTime: "18:00:00",
    });
  });

  it("days in ISO order whatever order the tier gives them in; the end is written with its seconds", () => {
    assert.deepEqual(toSupportHours(BERLIN_ODD_DAYS), {
      type: "fixed_time_per_day",
      timeZone: "Europe/Berlin",
      daysOfWeeks: [1, 3, 6, 7],
      startTime: "07:45:00",
      endTime: "12:15:00",
    });
    assert.deepEqual(toSupportHours(SYDNEY_WEEKEND).daysOfWeeks, [6, 7]);
    assert.equal(toSupportHours(WHOLE_DAY_UTC).endTime, "23:59:00");
  });
});

describe("wall clocks in a zone", () => {
  it("the weekday and minute of the day: 13:30Z on Monday 9 March 2026 is 09:30 in New York", () => {
    assert.deepEqual(localTime(new Date("2026-03-09T13:30:00Z"), "America/New_York"), {
      weekday: "monday",
      minute: 570,
    });
  });

  it("the local day can be the next one: 23:30Z on Sunday is Monday 08:30 in Tokyo", () => {
    assert.deepEqual(localTime(new Date("2026-03-08T23:30:00Z"), "Asia/Tokyo"), {
      weekday: "monday",
      minute: 510,
    });
  });

  it("the UTC offset in minutes: −300 in a New York January, −240 in July, +330 in Kolkata, 0 in UTC", () => {
    assert.equal(offsetMinutes(new Date("2026-01-15T12:00:00Z"), "America/New_York"), -300);
    assert.equal(offsetMinutes(new Date("2026-07-15T12:00:00Z"), "America/New_York"), -240);
    assert.equal(offsetMinutes(new Date("2026-07-01T12:00:00Z"), "Asia/Kolkata"), 330);
    assert.equal(offsetMinutes(new Date("2026-07-01T12:00:00Z"), "UTC"), 0);
  });

  it("the offset ignores the seconds of the instant and holds across a month and year end", () => {
    assert.equal(offsetMinutes(new Date("2026-07-01T12:00:45Z"), "Asia/Kolkata"), 330);
    assert.equal(offsetMinutes(new Date("2026-12-31T20:00:45Z"), "Asia/Kolkata"), 330);
    assert.equal(offsetMinutes(new Date("2026-03-01T03:00:00Z"), "America/New_York"), -300);
  });

  it("the instant a zone's clock shows a date and time", () => {
    assert.equal(
      zonedInstant({ year: 2026, month: 3, day: 9 }, "09:00", "America/New_York").toISOString(),
      "2026-03-09T13:00:00.000Z",
    );
    assert.equal(
      zonedInstant({ year: 2026, month: 7, day: 1 }, "18:30", "Asia/Kolkata").toISOString(),
      "2026-07-01T13:00:00.000Z",
    );
  });

  it("after the clocks spring forward the same day, the new offset applies: 03:30 in New York on 8 March 2026", () => {
    assert.equal(
      zonedInstant({ year: 2026, month: 3, day: 8 }, "03:30", "America/New_York").toISOString(),
      "2026-03-08T07:30:00.000Z",
    );
  });

  it("a wall time the clocks show twice east of UTC is the later one: 02:30 in Berlin on 25 October 2026", () => {
    assert.equal(
      zonedInstant({ year: 2026, month: 10, day: 25 }, "02:30", "Europe/Berlin").toISOString(),
      "2026-10-25T01:30:00.000Z",
    );
  });
});
