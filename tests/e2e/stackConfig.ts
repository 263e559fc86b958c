// The end-to-end stack: production's stack file, with only what a test run must change — where the
// stand-ins listen, where the key files are, TLS off for the SMTP stand-in, shorter timings, and
// business hours placed around or away from the current moment. Routing, receivers and inhibition
// are therefore exactly what production renders.
import * as fs from "node:fs";
import * as path from "node:path";
import yaml from "js-yaml";
import { WEEKDAYS } from "../../core/conventions";
import { parseDuration } from "../../core/duration";
import { PROJECT_DIR } from "../support/tools";

const KEY = (name: string) => `agent-alert-routing:${name}`;

/**
 * Every `for` and `keep_firing_for` of the rendered rules is divided by this, and so is every
 * duration a scenario speaks of in production terms (the two-minute blip becomes 4 s against a
 * 5-minute `for` that becomes 10 s). Scaling both by one factor keeps each scenario's meaning: a
 * blip shorter than `for` still pages nobody. Rule expressions and their range windows are untouched.
 */
export const TIME_SCALE = 30;

/** Production seconds → test milliseconds. */
export const scaled = (productionSeconds: number): number => (productionSeconds * 1000) / TIME_SCALE;

/**
 * Alertmanager timings of the test stack. Not derived from TIME_SCALE: they only need to be short,
 * and the hourly cost-spike batch would otherwise take two minutes.
 */
export const TEST_TIMINGS = {
  critical: { groupWait: "1s", groupInterval: "5s", repeatInterval: "10m" },
  warning: { groupWait: "2s", groupInterval: "5s", repeatInterval: "10m" },
  costSpike: { groupWait: "3s", groupInterval: "10s", repeatInterval: "10m" },
  heartbeatRepeat: "3s",
};

export type Timings = typeof TEST_TIMINGS;

export const seconds = (duration: string): number => {
  const value = parseDuration(duration);
  if (value === undefined) throw new Error(`${duration} is not a duration`);
  return value;
};

export interface Endpoints {
  pagerdutyUrl: string;
  smarthost: string;
  heartbeatUrl: string;
  secretDir: string;
}

export interface BusinessHoursWindow {
  timeZone: string;
  days: string[];
  start: string;
  end: string;
  contains: boolean;
}

function localClock(at: Date, timeZone: string): { weekday: string; minutes: number } {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "long",
    hour: "numeric",
    minute: "numeric",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
  return { weekday: get("weekday").toLowerCase(), minutes: Number(get("hour")) * 60 + Number(get("minute")) };
}

/**
 * Business hours that contain `at` (every day, all day) or exclude it (every day but today). The
 * zone is production's unless its clock is within an hour of midnight, where "today" would change
 * during the run; then a zone far from midnight is taken, which changes nothing about routing.
 */
export function businessHoursWindow(at: Date, contains: boolean): BusinessHoursWindow {
  const zones = ["America/New_York", "Asia/Tokyo", "Europe/London"];
  const timeZone =
    zones.find((zone) => {
      const { minutes } = localClock(at, zone);
      return minutes >= 60 && minutes < 23 * 60;
    }) ?? "America/New_York";
  const today = localClock(at, timeZone).weekday;
  return {
    timeZone,
    days: contains ? [...WEEKDAYS] : WEEKDAYS.filter((day) => day !== today),
    start: "00:00",
    end: "23:59",
    contains,
  };
}

export type StackConfigDoc = { config: Record<string, unknown> };

export function productionStack(): StackConfigDoc {
  return yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")) as StackConfigDoc;
}

/** Production's stack config with the test's endpoints, timings and business hours. */
export function e2eStack(endpoints: Endpoints, hours: BusinessHoursWindow, timings: Timings): StackConfigDoc {
  const doc = structuredClone(productionStack());
  const config = doc.config;
  const alertmanager = config[KEY("alertmanager")] as Record<string, unknown>;
  config[KEY("alertmanager")] = {
    ...alertmanager,
    timings: { critical: timings.critical, warning: timings.warning },
    costSpike: timings.costSpike,
    heartbeat: { url: endpoints.heartbeatUrl, repeatInterval: timings.heartbeatRepeat },
    pagerdutyUrl: endpoints.pagerdutyUrl,
  };
  const email = config[KEY("email")] as Record<string, unknown>;
  // The stand-in speaks plain SMTP; production keeps TLS required.
  config[KEY("email")] = { ...email, smarthost: endpoints.smarthost, requireTls: false };
  const kubernetes = (config[KEY("kubernetes")] ?? {}) as Record<string, unknown>;
  config[KEY("kubernetes")] = { ...kubernetes, secretMountPath: endpoints.secretDir };
  const tiers = config[KEY("tiers")] as Record<string, Record<string, unknown>>;
  for (const [name, tier] of Object.entries(tiers)) {
    if (tier.coverage !== "business-hours") continue;
    tiers[name] = {
      ...tier,
      timeZone: hours.timeZone,
      days: hours.days,
      start: hours.start,
      end: hours.end,
    };
  }
  return doc;
}

/** Verticals of a stack config, for changes that add one. */
export function verticalsOf(doc: StackConfigDoc): Record<string, unknown>[] {
  return doc.config[KEY("verticals")] as Record<string, unknown>[];
}

export function configKey(name: string): string {
  return KEY(name);
}

function scaleDuration(duration: string): string {
  const ms = Math.max(1, Math.round((seconds(duration) * 1000) / TIME_SCALE));
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

interface RuleDoc {
  groups: { interval?: string; rules: Record<string, unknown>[] }[];
}

export function isRuleFile(text: string): boolean {
  const doc = yaml.load(text) as Partial<RuleDoc> | undefined;
  return Array.isArray(doc?.groups);
}

/** Scales `for`, `keep_firing_for` and group intervals of a rendered rule file (see TIME_SCALE). */
export function scaleRuleFile(text: string): string {
  const doc = yaml.load(text) as RuleDoc;
  for (const group of doc.groups) {
    if (group.interval) group.interval = scaleDuration(group.interval);
    for (const rule of group.rules) {
      for (const field of ["for", "keep_firing_for"]) {
        const value = rule[field];
        if (typeof value === "string") rule[field] = scaleDuration(value);
      }
    }
  }
  return yaml.dump(doc, { lineWidth: -1 });
}

/** The scaled `for` of an alert in a rendered rule file, in milliseconds. */
export function ruleFor(ruleText: string, alert: string): number {
  const doc = yaml.load(ruleText) as RuleDoc;
  const rule = doc.groups.flatMap((group) => group.rules).find((candidate) => candidate.alert === alert);
  if (!rule) throw new Error(`no rule ${alert}`);
  return typeof rule.for === "string" ? seconds(rule.for) * 1000 : 0;
}

/** A production team's mailbox, which its e-mail receivers notify. */
export function teamEmail(team: string): string {
  const teams = productionStack().config[KEY("teams")] as { id: string; email: string }[];
  const found = teams.find((candidate) => candidate.id === team);
  if (!found) throw new Error(`no team ${team} in Pulumi.prod.yaml`);
  return found.email;
}
