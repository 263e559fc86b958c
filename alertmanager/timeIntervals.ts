// Alertmanager 0.25's time intervals (package timeinterval): parsed and validated as it loads them,
// and `ContainsTime` as it evaluates them. Every field present must match; values within one match any.
import type { AmConfig, AmTimeIntervalSpec } from "./types";
import { assertTimeZone, goDaysInMonth, WEEKDAY_NAMES, wallClock } from "./wallClock";

interface Range {
  begin: number;
  end: number;
}

interface CompiledInterval {
  times?: Range[];
  weekdays?: Range[];
  daysOfMonth?: Range[];
  months?: Range[];
  years?: Range[];
  location?: string;
}

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const INTEGER = /^[+-]?\d+$/;
const CLOCK = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

function integer(text: string, what: string): number {
  if (!INTEGER.test(text)) throw new Error(`${JSON.stringify(text)} is not a valid ${what}`);
  return Number(text);
}

/** `a` or `a:b`, lower-cased first as Alertmanager does, each end read by `member`. */
function range(text: string, member: (part: string) => number): Range {
  const parts = text.toLowerCase().split(":");
  if (parts.length > 2) throw new Error(`couldn't parse range ${JSON.stringify(text)}: expected a or a:b`);
  const begin = member(parts[0]);
  return { begin, end: parts.length === 2 ? member(parts[1]) : begin };
}

function weekdayRange(text: string): Range {
  const r = range(text, (part) => {
    const day = (WEEKDAY_NAMES as readonly string[]).indexOf(part);
    if (day < 0) throw new Error(`${JSON.stringify(part)} is not a valid weekday`);
    return day;
  });
  // Weeks start on Sunday in Go, so `saturday:sunday` is backwards; list the days instead.
  if (r.begin > r.end) throw new Error(`weekdays ${JSON.stringify(text)}: start day cannot be after end day`);
  return r;
}

function dayOfMonthRange(text: string): Range {
  const r = range(text, (part) => integer(part, "day of the month"));
  for (const day of [r.begin, r.end]) {
    if (day === 0 || day < -31 || day > 31)
      throw new Error(`${day} is not a valid day of the month: out of range`);
  }
  if (r.begin < 0 && r.end > 0)
    throw new Error(`days_of_month ${JSON.stringify(text)}: end must be negative too`);
  // Alertmanager's check with a 28-day month: catches ranges that are always empty.
  const comparable = (day: number) => (day < 0 ? 28 + day : day);
  if (comparable(r.begin) > comparable(r.end)) {
    throw new Error(`days_of_month ${JSON.stringify(text)}: end day is always before start day`);
  }
  return r;
}

function monthRange(text: string): Range {
  const r = range(text, (part) => {
    const named = MONTHS.indexOf(part);
    const month = named >= 0 ? named + 1 : integer(part, "month");
    if (month < 1 || month > 12) throw new Error(`${JSON.stringify(part)} is not a valid month`);
    return month;
  });
  if (r.begin > r.end) throw new Error(`months ${JSON.stringify(text)}: end month is before start month`);
  return r;
}

function yearRange(text: string): Range {
  const r = range(text, (part) => integer(part, "year"));
  if (r.begin > r.end) throw new Error(`years ${JSON.stringify(text)}: end year is before start year`);
  return r;
}

/** Minutes since midnight of `HH:MM` (24:00 allowed, as an end); throws as Alertmanager's load would. */
export function clockMinutes(text: string): number {
  if (!CLOCK.test(text)) throw new Error(`couldn't parse time ${JSON.stringify(text)}: expected HH:MM`);
  return Number(text.slice(0, 2)) * 60 + Number(text.slice(3));
}

function timeRange(times: { start_time: string; end_time: string }): Range {
  const r = { begin: clockMinutes(times.start_time), end: clockMinutes(times.end_time) };
  if (r.begin >= r.end) {
    throw new Error(`times ${times.start_time}–${times.end_time}: the start must be before the end`);
  }
  return r;
}

const compiled = new WeakMap<AmTimeIntervalSpec, CompiledInterval>();

/** The interval parsed and validated once (cached per spec object); throws as Alertmanager's load would. */
export function compileTimeInterval(spec: AmTimeIntervalSpec): CompiledInterval {
  let found = compiled.get(spec);
  if (!found) {
    assertTimeZone(spec.location);
    // `?.`: a field YAML leaves empty (null) is Go's nil slice, i.e. absent; `[]` matches nothing.
    found = {
      times: spec.times?.map(timeRange),
      weekdays: spec.weekdays?.map(weekdayRange),
      daysOfMonth: spec.days_of_month?.map(dayOfMonthRange),
      months: spec.months?.map(monthRange),
      years: spec.years?.map(yearRange),
      location: spec.location,
    };
    compiled.set(spec, found);
  }
  return found;
}

const within = (ranges: Range[], value: number) => ranges.some((r) => value >= r.begin && value <= r.end);

function dayOfMonthMatches(ranges: Range[], day: number, daysInMonth: number): boolean {
  // timeinterval.ContainsTime, step by step, including its clamping.
  const clamp = (n: number) => Math.min(Math.max(n, -daysInMonth), daysInMonth);
  return ranges.some((r) => {
    const begin = r.begin < 0 ? daysInMonth + r.begin + 1 : r.begin;
    const end = r.end < 0 ? daysInMonth + r.end + 1 : r.end;
    if (begin > daysInMonth) return false;
    return day >= clamp(begin) && day <= clamp(end);
  });
}

// Answers per spec and instant. The routing matrix and the policy pack ask about the same few
// instants for every alert, and the time-zone arithmetic behind an answer was most of their time.
// Bounded, because a caller may sweep every minute of a year.
const answers = new WeakMap<AmTimeIntervalSpec, Map<number, boolean>>();
const ANSWERS_PER_SPEC = 4096;

/** Alertmanager's `ContainsTime`: the instant in the interval's location (UTC when absent). */
export function timeIntervalContains(spec: AmTimeIntervalSpec, at: Date): boolean {
  const interval = compileTimeInterval(spec);
  let known = answers.get(spec);
  if (!known) {
    known = new Map();
    answers.set(spec, known);
  }
  const instant = at.getTime();
  let answer = known.get(instant);
  if (answer === undefined) {
    answer = contains(interval, at);
    if (known.size >= ANSWERS_PER_SPEC) known.clear();
    known.set(instant, answer);
  }
  return answer;
}

function contains(interval: CompiledInterval, at: Date): boolean {
  const clock = wallClock(at, interval.location);
  // `times` are half-open: [start, end) in minutes of the day.
  if (interval.times && !interval.times.some((r) => clock.minute >= r.begin && clock.minute < r.end))
    return false;
  if (interval.daysOfMonth) {
    const days = goDaysInMonth(clock.year, clock.month, interval.location);
    if (!dayOfMonthMatches(interval.daysOfMonth, clock.day, days)) return false;
  }
  if (interval.months && !within(interval.months, clock.month)) return false;
  if (interval.weekdays && !within(interval.weekdays, clock.weekday)) return false;
  if (interval.years && !within(interval.years, clock.year)) return false;
  return true;
}

const namedCache = new WeakMap<AmConfig, Map<string, AmTimeIntervalSpec[]>>();

/** The named intervals of both spellings; Alertmanager rejects a name defined twice, and so do we. */
function namedIntervals(config: AmConfig): Map<string, AmTimeIntervalSpec[]> {
  let found = namedCache.get(config);
  if (!found) {
    found = new Map();
    for (const interval of [...(config.mute_time_intervals ?? []), ...(config.time_intervals ?? [])]) {
      if (found.has(interval.name))
        throw new Error(`time interval ${JSON.stringify(interval.name)} is not unique`);
      found.set(interval.name, interval.time_intervals ?? []);
    }
    namedCache.set(config, found);
  }
  return found;
}

/** The first of the named intervals that contains `at`; an unknown name throws, whatever the order. */
export function containingInterval(config: AmConfig, names: readonly string[], at: Date): string | undefined {
  const intervals = namedIntervals(config);
  const specs = names.map((name) => {
    const found = intervals.get(name);
    if (!found) throw new Error(`time interval ${JSON.stringify(name)} is not defined in the config`);
    return found;
  });
  const index = specs.findIndex((entries) => entries.some((spec) => timeIntervalContains(spec, at)));
  return index < 0 ? undefined : names[index];
}

/** Whether any of the named intervals (from `time_intervals` or `mute_time_intervals`) contains `at`. */
export function namedIntervalsContain(config: AmConfig, names: readonly string[], at: Date): boolean {
  return containingInterval(config, names, at) !== undefined;
}
