// Prometheus durations: one or more number-unit pairs, largest unit first (`1h30m`, `5m`, `30s`).
const UNIT_SECONDS: Record<string, number> = {
  y: 365 * 86400,
  w: 7 * 86400,
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
  ms: 0.001,
};
const UNIT_ORDER = ["y", "w", "d", "h", "m", "s", "ms"];
const DURATION = /^(?:(\d+)(ms|[ywdhms]))+$/;
const PART = /(\d+)(ms|[ywdhms])/g;

/** Seconds in a Prometheus duration, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let seconds = 0;
  let lastUnit = -1;
  for (const match of text.matchAll(PART)) {
    const unit = UNIT_ORDER.indexOf(match[2]);
    if (unit <= lastUnit) return undefined;
    lastUnit = unit;
    seconds += Number(match[1]) * UNIT_SECONDS[match[2]];
  }
  return seconds;
}

export const DURATION_HINT = "is not a Prometheus duration (use e.g. 30s, 5m, 1h30m)";
