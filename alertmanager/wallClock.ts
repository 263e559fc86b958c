// The calendar fields of an instant in a time zone, as Go's time.Time reports them after `In(loc)`.
// The one formatter cache of the project: business hours, rotations and routing all read time here.

export interface WallClock {
  year: number;
  /** 1 is January. */
  month: number;
  day: number;
  /** 0 is Sunday, as Go's `time.Weekday`. */
  weekday: number;
  /** Minutes since midnight. */
  minute: number;
}

/** Day names in the order of Go's `time.Weekday`: 0 is Sunday. Alertmanager's weekdays use them. */
export const WEEKDAY_NAMES = [
  "sunday",
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
] as const;

const WEEKDAY_NUMBERS: Readonly<Record<string, number>> = {
  Sun: 0,
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
};

// Building a formatter costs far more than using one; routing questions ask thousands of times.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    try {
      found = new Intl.DateTimeFormat("en-US", {
        timeZone,
        year: "numeric",
        month: "numeric",
        day: "numeric",
        weekday: "short",
        hour: "numeric",
        minute: "numeric",
        hourCycle: "h23",
      });
    } catch {
      throw new Error(
        `unknown time zone ${JSON.stringify(timeZone)}: expected an IANA name such as Europe/Berlin`,
      );
    }
    formatters.set(timeZone, found);
  }
  return found;
}

/** Go's `time.LoadLocation` reads an empty name as UTC. */
export function isUtc(timeZone: string | undefined): boolean {
  return timeZone === undefined || timeZone === "" || timeZone === "UTC";
}

export function wallClock(at: Date, timeZone?: string): WallClock {
  if (isUtc(timeZone)) {
    // The common case skips Intl entirely.
    return {
      year: at.getUTCFullYear(),
      month: at.getUTCMonth() + 1,
      day: at.getUTCDate(),
      weekday: at.getUTCDay(),
      minute: at.getUTCHours() * 60 + at.getUTCMinutes(),
    };
  }
  const clock: WallClock = { year: 0, month: 0, day: 0, weekday: 0, minute: 0 };
  for (const part of formatter(timeZone as string).formatToParts(at)) {
    switch (part.type) {
      case "year":
        clock.year = Number(part.value);
        break;
      case "month":
        clock.month = Number(part.value);
        break;
      case "day":
        clock.day = Number(part.value);
        break;
      case "weekday":
        clock.weekday = WEEKDAY_NUMBERS[part.value];
        break;
      case "hour":
        clock.minute += Number(part.value) * 60;
        break;
      case "minute":
        clock.minute += Number(part.value);
        break;
    }
  }
  return clock;
}

/** Checks a zone name now, so a bad `location` fails where it is read rather than on first use. */
export function assertTimeZone(timeZone: string | undefined): void {
  if (!isUtc(timeZone)) formatter(timeZone as string);
}

/** The instant the zone's clock reads midnight starting a day: Go's `time.Date(y, m, d, 0, 0, 0, 0, loc)`. */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  const offsetAt = (instant: number) => {
    const clock = wallClock(new Date(instant), timeZone);
    return (
      Date.UTC(clock.year, clock.month - 1, clock.day) +
      clock.minute * 60000 -
      Math.floor(instant / 60000) * 60000
    );
  };
  // Guess with the offset at the wall time read as UTC, then correct once across a clock change.
  const guess = wall - offsetAt(wall);
  return wall - offsetAt(guess);
}

const goMonthLengths = new Map<string, number>();

/**
 * The month's length as Alertmanager 0.25 computes it: the hours from the first's midnight to the
 * next month's, divided by 24 and truncated. A month in which the clocks spring forward is an hour
 * short, so it counts a day less (31-day March in New York reads as 30). Upstream fixed this after
 * 0.25 (prometheus/alertmanager#5447); we run 0.25, so we predict what it does.
 */
export function goDaysInMonth(year: number, month: number, timeZone?: string): number {
  if (isUtc(timeZone)) return new Date(Date.UTC(year, month, 0)).getUTCDate();
  const key = `${timeZone} ${year}-${month}`;
  let days = goMonthLengths.get(key);
  if (days === undefined) {
    const zone = timeZone as string;
    const next = month === 12 ? [year + 1, 1] : [year, month + 1];
    const hours = (localMidnight(next[0], next[1], 1, zone) - localMidnight(year, month, 1, zone)) / 3600000;
    days = Math.trunc(hours / 24);
    goMonthLengths.set(key, days);
  }
  return days;
}
