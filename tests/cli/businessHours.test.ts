// Business hours are written in three places that must agree: Alertmanager's time intervals (when a
// business-hours route pages), the PagerDuty schedules' weekly restrictions (who is on call then) and
// the services' support hours (when urgency is high). Read off the rendered staging stack, whose
// teams keep business hours, so a change in any one place fails here, not only in a golden diff.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { renderStack, tempDir } from "../support/tools";

const ISO_DAY: Record<string, number> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

/** One span of hours: its zone, its ISO weekdays (Monday 1), and its start and end, HH:MM. */
const hours = (zone: string, days: number[], start: string, end: string) =>
  JSON.stringify({ zone, days: [...days].sort(), start: start.slice(0, 5), end: end.slice(0, 5) });

function clockPlus(start: string, seconds: number): string {
  const [h, m] = start.split(":").map(Number);
  const minutes = h * 60 + m + seconds / 60;
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

interface Resource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
interface Restriction {
  type: string;
  startDayOfWeek: number;
  startTimeOfDay: string;
  durationSeconds: number;
}

describe("business hours in the rendered staging stack", () => {
  const dir = renderStack("staging", tempDir("business-hours"));
  const am = yaml.load(fs.readFileSync(path.join(dir, "alertmanager.yaml"), "utf8")) as {
    time_intervals?: {
      name: string;
      time_intervals: {
        weekdays: string[];
        times: { start_time: string; end_time: string }[];
        location: string;
      }[];
    }[];
  };
  const resources = JSON.parse(fs.readFileSync(path.join(dir, "resources.json"), "utf8")) as Resource[];

  const alertmanagerHours = new Set(
    (am.time_intervals ?? []).flatMap((interval) =>
      interval.time_intervals.flatMap((span) =>
        span.times.map((time) =>
          hours(
            span.location,
            span.weekdays.map((day) => ISO_DAY[day]),
            time.start_time,
            time.end_time,
          ),
        ),
      ),
    ),
  );
  const scheduleHours = resources
    .filter((resource) => resource.type === "pagerduty:index/schedule:Schedule")
    .flatMap((schedule) =>
      (schedule.inputs.layers as { restrictions?: Restriction[] }[]).flatMap((layer) => {
        const weekly = (layer.restrictions ?? []).filter((r) => r.type === "weekly_restriction");
        if (weekly.length === 0) return [];
        const [first] = weekly;
        assert.ok(
          weekly.every(
            (r) => r.startTimeOfDay === first.startTimeOfDay && r.durationSeconds === first.durationSeconds,
          ),
          `${schedule.name}: one span a day`,
        );
        return [
          {
            name: schedule.name,
            hours: hours(
              String(schedule.inputs.timeZone),
              weekly.map((r) => r.startDayOfWeek),
              first.startTimeOfDay,
              clockPlus(first.startTimeOfDay, first.durationSeconds),
            ),
          },
        ];
      }),
    );
  const supportHours = resources
    .filter((resource) => resource.type === "pagerduty:index/service:Service" && resource.inputs.supportHours)
    .map((service) => {
      const support = service.inputs.supportHours as {
        timeZone: string;
        daysOfWeeks: number[];
        startTime: string;
        endTime: string;
      };
      return {
        name: service.name,
        hours: hours(support.timeZone, support.daysOfWeeks, support.startTime, support.endTime),
      };
    });

  it("has business hours in all three places", () => {
    assert.ok(alertmanagerHours.size > 0, "no time interval in alertmanager.yaml");
    assert.ok(scheduleHours.length > 0, "no schedule with weekly restrictions");
    assert.ok(supportHours.length > 0, "no service with support hours");
  });

  it("restricts each business-hours rotation to hours Alertmanager pages in", () => {
    for (const schedule of scheduleHours)
      assert.ok(
        alertmanagerHours.has(schedule.hours),
        `${schedule.name}: ${schedule.hours}, Alertmanager: ${[...alertmanagerHours].join(" | ")}`,
      );
  });

  it("gives each business-hours service the support hours Alertmanager pages in", () => {
    for (const service of supportHours)
      assert.ok(
        alertmanagerHours.has(service.hours),
        `${service.name}: ${service.hours}, Alertmanager: ${[...alertmanagerHours].join(" | ")}`,
      );
  });
});
