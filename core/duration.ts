// Prometheus durations: one or more number-unit pairs, largest unit first (`1h30m`, `5m`, `30s`).
const UNIT_MS: Record<string, bigint> = {
  y: 365n * 86_400_000n,
  w: 7n * 86_400_000n,
  d: 86_400_000n,
  h: 3_600_000n,
  m: 60_000n,
  s: 1000n,
  ms: 1n,
};
const UNIT_ORDER = ["y", "w", "d", "h", "m", "s", "ms"];
const DURATION = /^(?:(\d+)(ms|[ywdhms]))+$/;
const PART = /(\d+)(ms|[ywdhms])/g;
/** Prometheus and Alertmanager hold a duration in Go's time.Duration: int64 nanoseconds. */
const MAX_NANOSECONDS = 2n ** 63n - 1n;

export const DURATION_HINT = "is not a Prometheus duration (use e.g. 30s, 5m, 1h30m)";
export const DURATION_RANGE_HINT =
  "is out of range: Prometheus and Alertmanager refuse a duration over 292 years (106751d)";

/** Milliseconds in a duration's text, or a reason it is not one Prometheus reads. */
function millisecondsOf(text: string): bigint | string {
  if (!DURATION.test(text)) return DURATION_HINT;
  let ms = 0n;
  let lastUnit = -1;
  for (const match of text.matchAll(PART)) {
    const unit = UNIT_ORDER.indexOf(match[2]);
    if (unit <= lastUnit) return DURATION_HINT;
    lastUnit = unit;
    ms += BigInt(match[1]) * UNIT_MS[match[2]];
  }
  return ms * 1_000_000n > MAX_NANOSECONDS ? DURATION_RANGE_HINT : ms;
}

/** Seconds in a Prometheus duration, or undefined when the text is not one Prometheus reads. */
export function parseDuration(text: string): number | undefined {
  const ms = millisecondsOf(text);
  return typeof ms === "string" ? undefined : Number(ms) / 1000;
}

/** What is wrong with a duration's text (not one, or out of range), or undefined when Prometheus reads it. */
export function durationProblem(text: string): string | undefined {
  const ms = millisecondsOf(text);
  return typeof ms === "string" ? ms : undefined;
}
