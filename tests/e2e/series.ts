// The series the catalogue's expressions read, with healthy values to start from and the changes
// that take each expression across its threshold (see alerts/*.yaml for the expressions).
import { type BackfilledCounter, HOUR_AND_WEEK_AGO, LAST_DAY } from "./harness";
import type { MetricsEndpoint } from "./metrics";

export const FTL = "callsphere_ftl_ms";
/** Bucket bounds of the first-token latency histogram, in ms, as the services instrument it. */
export const FTL_BOUNDS = [100, 200, 300, 500, 800, 1000, 1200, 1500, 2000, 3000, 5000] as const;
const TOOL_CALLS = "callsphere_tool_calls_total";
export const CONVERSATIONS = "callsphere_conversations_total";
const COST = "callsphere_llm_cost_usd_total";
/** Baseline LLM spend, $/s, now and a week ago. */
export const COST_BASELINE = 0.01;

/** Observations per second in each FTL bucket: index i is (FTL_BOUNDS[i-1], FTL_BOUNDS[i]]. */
export function ftlRates(perBucket: Partial<Record<number, number>>): number[] {
  return [...FTL_BOUNDS, Infinity].map((_, i) => perBucket[i] ?? 0);
}
export const FAST = 0; // ≤ 100 ms
export const SLOW = 5; // (800, 1000] ms: above the 800 ms healthcare SLO, below the 2 s SEV1 line
export const VERY_SLOW = 10; // (3000, 5000] ms: SEV1
/** Healthy traffic: fast answers a second. */
export const HEALTHY_RATE = 10;

/** A histogram that stays healthy: fast answers only. */
export function healthyFtl(metrics: MetricsEndpoint, vertical: string): void {
  metrics.setHistogramRates(FTL, { vertical }, FTL_BOUNDS, ftlRates({ [FAST]: HEALTHY_RATE }));
}

/** A day of healthy answers behind the histogram, so SLO windows up to a day read a steady past. */
export function healthyFtlHistory(vertical: string): BackfilledCounter[] {
  const series = [...FTL_BOUNDS.map(String), "+Inf"].map((le) => ({
    name: `${FTL}_bucket`,
    labels: { vertical, le },
  }));
  return [...series, { name: `${FTL}_count`, labels: { vertical } }].map((counter) => ({
    ...counter,
    perSecond: HEALTHY_RATE,
    history: LAST_DAY,
  }));
}

/**
 * p95 follows the bucket that holds more than 5% of the window's observations, so each phase
 * dominates the last by sending an order of magnitude more: the crossing happens at the next scrape.
 */
export function setFtl(
  metrics: MetricsEndpoint,
  vertical: string,
  perBucket: Partial<Record<number, number>>,
) {
  metrics.setHistogramRates(FTL, { vertical }, FTL_BOUNDS, ftlRates(perBucket));
  return Date.now();
}

export function healthyTool(metrics: MetricsEndpoint, vertical: string, tool: string, errorCode: string) {
  metrics.setRate(TOOL_CALLS, { vertical, tool_name: tool, status_code: "200" }, 10);
  metrics.setRate(TOOL_CALLS, { vertical, tool_name: tool, status_code: errorCode }, 0);
}

/**
 * Tool alerts need both an error ratio over 5% and an error rate over 0.02/s (a 5m window): 50
 * errors a second against 10 successes crosses both at the next scrape.
 */
/**
 * One customer's calls to a tool failing while a busy healthy customer hides it from the vertical:
 * 2 errors a second against 2 successes is 50% for the customer (over its 25%), and with `busy`
 * answering 200 calls a second, about 1% of the vertical, under its 5% and its SLO's burn rates.
 * Both start together, so the vertical's ratio holds from the first scrape.
 */
export function failToolFor(
  metrics: MetricsEndpoint,
  vertical: string,
  tool: string,
  errorCode: string,
  customer: string,
  busy: string,
): number {
  metrics.setRate(TOOL_CALLS, { vertical, tool_name: tool, status_code: "200", customer: busy }, 200);
  metrics.setRate(TOOL_CALLS, { vertical, tool_name: tool, status_code: "200", customer }, 2);
  metrics.setRate(TOOL_CALLS, { vertical, tool_name: tool, status_code: errorCode, customer }, 2);
  return Date.now();
}

export function failTool(
  metrics: MetricsEndpoint,
  vertical: string,
  tool: string,
  errorCode: string,
): number {
  metrics.setRate(TOOL_CALLS, { vertical, tool_name: tool, status_code: errorCode }, 50);
  return Date.now();
}

export const costCounter = (vertical: string): BackfilledCounter => ({
  name: COST,
  labels: { vertical },
  perSecond: COST_BASELINE,
  history: HOUR_AND_WEEK_AGO,
});

/**
 * Spend jumps by what makes the last hour's rate `ratio` times last week's: the hour holds a
 * baseline hour of spend plus the jump, so the jump is (ratio − 1) hours of baseline.
 */
export function spendSpike(metrics: MetricsEndpoint, vertical: string, ratio: number): number {
  metrics.add(COST, { vertical }, (ratio - 1) * 3600 * COST_BASELINE);
  return Date.now();
}

export const costRatioExpr = (vertical: string): string =>
  `sum(rate(${COST}{vertical="${vertical}"}[1h])) / sum(rate(${COST}{vertical="${vertical}"}[1h] offset 1w))`;
