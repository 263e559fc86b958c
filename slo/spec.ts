// SLO declarations of the catalogue (`slos:` and `histograms:` in alerts/<vertical>.yaml): their schema,
// the checked `Slo` they become (slo/validate.ts), and the burn-rate windows they are alerted on.
import { z } from "zod";
import { ALERT_TYPES, type AlertType, KEBAB_NAME } from "../core/conventions";
import { parseDuration } from "../core/duration";

/** Where an events SLI's queries take their range: Sloth's placeholder, so its specs read the same. */
export const WINDOW_PLACEHOLDER = "{{.window}}";

/** The windows an SLO's error ratio is recorded over: every short and long window below. */
export const SLO_RATIO_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;
export type SloWindow = (typeof SLO_RATIO_WINDOWS)[number];

export interface BurnWindow {
  /** A page is `critical` (the FastBurn alert), a ticket `warning` (the SlowBurn alert). */
  alert: "page" | "ticket";
  /** The share of the period's error budget that, spent within `long`, raises the alert. */
  budgetPercent: number;
  long: SloWindow;
  short: SloWindow;
}

/**
 * The Google SRE Workbook's multiwindow, multi-burn-rate table (chapter "Alerting on SLOs"), the one
 * Sloth uses: the burn factor is not written down but derived, budget share × period / long window,
 * so a 30d period gives the published 14.4, 6, 3 and 1. The short window (1/12 of the long) makes an
 * alert resolve within minutes of the burn stopping.
 */
export const BURN_WINDOWS: readonly BurnWindow[] = [
  { alert: "page", budgetPercent: 2, long: "1h", short: "5m" },
  { alert: "page", budgetPercent: 5, long: "6h", short: "30m" },
  { alert: "ticket", budgetPercent: 10, long: "1d", short: "2h" },
  { alert: "ticket", budgetPercent: 10, long: "3d", short: "6h" },
];

export const DEFAULT_SLO_PERIOD = "30d";

export function seconds(window: string): number {
  return parseDuration(window) as number;
}

/** Rounds away binary noise (0.02 × 720 = 14.399999…) so rules and messages print 14.4. */
export function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

/** How many times faster than sustainable the budget burns when this window's alert fires. */
export function burnFactor(window: BurnWindow, periodSeconds: number): number {
  return tidy((window.budgetPercent * periodSeconds) / (100 * seconds(window.long)));
}

/** The largest factor a page needs: the page can only fire if that many budgets fit in 100% errors. */
export function fastestFactor(periodSeconds: number): number {
  const pages = BURN_WINDOWS.filter((window) => window.alert === "page");
  return Math.max(...pages.map((window) => burnFactor(window, periodSeconds)));
}

/**
 * The shortest total outage that fires a page, per unit of error budget: a page's long window must
 * see factor × budget errors. Times the budget (a fraction), it is the outage in seconds.
 */
export function pagingOutagePerBudget(periodSeconds: number): number {
  return Math.min(
    ...BURN_WINDOWS.filter((window) => window.alert === "page").map(
      (window) => burnFactor(window, periodSeconds) * seconds(window.long),
    ),
  );
}

/** A model SLO keeps this above the model alerts' minimum `for`, so a short blip pages nobody. */
export function shortestPagingOutageSeconds(objective: number, periodSeconds: number): number {
  return (pagingOutagePerBudget(periodSeconds) * (100 - objective)) / 100;
}

// Schemas. The SLI is either an error/total query pair or a latency threshold on a histogram.
const labelMap = z.record(z.string(), z.union([z.string(), z.number()]).transform(String));

const eventsSli = z
  .object({
    error_query: z.string().min(1),
    total_query: z.string().min(1),
    // The generated promtool tests feed these two series: one the queries count as an error, one as
    // a success. The queries are arbitrary PromQL, so the test cannot guess them.
    test_series: z.object({ error: z.string().min(1), success: z.string().min(1) }).strict(),
  })
  .strict();

const latencySli = z
  .object({
    histogram: z.string().min(1),
    selector: labelMap.default({}),
    threshold: z.number(),
  })
  .strict();

export const sloSchema = z
  .object({
    name: z.string().regex(KEBAB_NAME, "must be lower-case kebab-case, like ftl-latency"),
    /** The `symptom` label of its burn-rate alerts (the SLO's name by default), shared with threshold alerts of it. */
    symptom: z.string().regex(KEBAB_NAME, "must be lower-case kebab-case, like ftl-latency").optional(),
    description: z.string().min(1),
    objective: z.number(),
    period: z.string().default(DEFAULT_SLO_PERIOD),
    alert_type: z.enum(ALERT_TYPES),
    tool_name: z.string().min(1).optional(),
    team: z.string().min(1).optional(),
    runbook_url: z.string().min(1),
    sli: z.object({ events: eventsSli.optional(), latency: latencySli.optional() }).strict(),
  })
  .strict();

/**
 * Bucket boundaries (`le` values) of the histograms the SLOs read. A histogram only counts requests
 * at or below its boundaries, so a latency threshold between two of them cannot be measured; the
 * render cannot ask Prometheus which buckets exist, so the catalogue states them, as instrumented.
 */
export const histogramsSchema = z.record(
  z.string(),
  z.array(z.number()).min(1, "needs at least one boundary"),
);

export type SloSpec = z.infer<typeof sloSchema>;
export type HistogramsSpec = z.infer<typeof histogramsSchema>;

export type Sli =
  | {
      kind: "events";
      errorQuery: string;
      totalQuery: string;
      testSeries: { error: string; success: string };
    }
  | { kind: "latency"; histogram: string; selector: Record<string, string>; threshold: number };

export interface Slo {
  name: string;
  vertical: string;
  /** The `symptom` label of its alerts: the page holds back the ticket, and threshold alerts of it. */
  symptom: string;
  description: string;
  /** Percent of good events, strictly between 0 and 100. */
  objective: number;
  period: string;
  periodSeconds: number;
  alertType: AlertType;
  /** The owner, decided by routing exactly as for a catalogue alert. */
  team: string;
  toolName?: string;
  runbookUrl: string;
  sli: Sli;
  source: { file: string; path: string };
}
