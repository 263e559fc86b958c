// SLO declarations of the catalogue (`slos:` and `histograms:` in alerts/<vertical>.yaml): their schema,
// the burn-rate windows they are alerted on, and their validation into checked `Slo` objects.
import { z } from "zod";
import {
  ALERT_TYPES,
  type AlertType,
  KEBAB_NAME,
  LABEL,
  MODEL_MIN_FOR_SECONDS,
  PROMETHEUS_NAME,
} from "../core/conventions";
import { DURATION_HINT, parseDuration } from "../core/duration";
import { type IssueList, joinPath } from "../core/errors";
import { type Owners, ownerOf } from "../core/ownership";
import { findSyntaxError } from "../core/promql";

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

function seconds(window: string): number {
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
function fastestFactor(periodSeconds: number): number {
  const pages = BURN_WINDOWS.filter((window) => window.alert === "page");
  return Math.max(...pages.map((window) => burnFactor(window, periodSeconds)));
}

/**
 * The shortest total outage that fires a page, per unit of error budget: a page's long window must
 * see factor × budget errors. Times the budget (a fraction), it is the outage in seconds.
 */
function pagingOutagePerBudget(periodSeconds: number): number {
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

const SERIES = /^[a-zA-Z_:][a-zA-Z0-9_:]*\{\s*([a-zA-Z_][a-zA-Z0-9_]*\s*=\s*"(?:[^"\\]|\\.)*"\s*,?\s*)*\}$/;

function checkHistograms(histograms: HistogramsSpec, file: string, issues: IssueList): void {
  for (const [name, boundaries] of Object.entries(histograms)) {
    const at = joinPath(["histograms", name]);
    if (!name.endsWith("_bucket") || !PROMETHEUS_NAME.test(name)) {
      issues.add(file, at, `"${name}" is not a histogram's bucket series (a metric name ending in _bucket)`);
    }
    const ascending = boundaries.every(
      (value, i) => Number.isFinite(value) && (i === 0 || value > boundaries[i - 1]),
    );
    if (!ascending) issues.add(file, at, "boundaries must be finite numbers in ascending order, each once");
  }
}

function checkQuery(query: string, file: string, path: string, issues: IssueList): void {
  if (!query.includes(WINDOW_PLACEHOLDER)) {
    issues.add(
      file,
      path,
      `must take its range from "[${WINDOW_PLACEHOLDER}]", so each window gets its own ratio`,
    );
    return;
  }
  const syntax = findSyntaxError(query.replaceAll(WINDOW_PLACEHOLDER, "5m"));
  if (syntax) {
    issues.add(
      file,
      path,
      `is not PromQL: syntax error at line ${syntax.line}, column ${syntax.column}` +
        (syntax.near ? ` near "${syntax.near}"` : ""),
    );
  }
}

function checkSli(
  spec: SloSpec["sli"],
  histograms: HistogramsSpec,
  file: string,
  path: string,
  issues: IssueList,
): Sli | undefined {
  if ((spec.events === undefined) === (spec.latency === undefined)) {
    issues.add(
      file,
      path,
      "needs exactly one of `events` (error and total queries) or `latency` (a histogram)",
    );
    return undefined;
  }
  if (spec.events) {
    const events = spec.events;
    checkQuery(events.error_query, file, `${path}.events.error_query`, issues);
    checkQuery(events.total_query, file, `${path}.events.total_query`, issues);
    for (const key of ["error", "success"] as const) {
      if (!SERIES.test(events.test_series[key])) {
        issues.add(
          file,
          `${path}.events.test_series.${key}`,
          `"${events.test_series[key]}" is not a series like metric{label="value", …}`,
        );
      }
    }
    return {
      kind: "events",
      errorQuery: events.error_query,
      totalQuery: events.total_query,
      testSeries: { ...events.test_series },
    };
  }
  const latency = spec.latency as NonNullable<SloSpec["sli"]["latency"]>;
  const at = `${path}.latency`;
  if (!latency.histogram.endsWith("_bucket")) {
    issues.add(
      file,
      `${at}.histogram`,
      `"${latency.histogram}" is not a histogram: a latency SLI reads a bucket series ending in _bucket`,
    );
  } else if (!Object.hasOwn(histograms, latency.histogram)) {
    issues.add(
      file,
      `${at}.histogram`,
      `"${latency.histogram}" is not declared under histograms; declare its bucket boundaries there`,
    );
  } else {
    const boundaries = histograms[latency.histogram];
    if (!boundaries.includes(latency.threshold)) {
      issues.add(
        file,
        `${at}.threshold`,
        `${latency.threshold} is not a bucket boundary of ${latency.histogram} ` +
          `(le: ${boundaries.join(", ")}); ` +
          "a histogram cannot count requests below a threshold between two of them",
      );
    }
  }
  for (const name of Object.keys(latency.selector)) {
    if (!PROMETHEUS_NAME.test(name) || name.startsWith("__") || name === "le") {
      issues.add(file, `${at}.selector.${name}`, `"${name}" cannot select the histogram's series`);
    }
  }
  return {
    kind: "latency",
    histogram: latency.histogram,
    selector: latency.selector,
    threshold: latency.threshold,
  };
}

function checkObjective(
  spec: SloSpec,
  periodSeconds: number | undefined,
  file: string,
  path: string,
  issues: IssueList,
): void {
  const { objective } = spec;
  if (!(objective > 0 && objective < 100)) {
    issues.add(file, path, `${objective} is not a percentage between 0 and 100, exclusive (e.g. 99.5)`);
    return;
  }
  if (periodSeconds === undefined) return;
  const budget = tidy(100 - objective);
  const fastest = fastestFactor(periodSeconds);
  if (fastest * budget >= 100) {
    issues.add(
      file,
      path,
      `${objective} leaves a ${budget}% error budget, so the ${fastest}× page would need ` +
        `${tidy(fastest * budget)}% errors and could never fire; ` +
        `use an objective above ${Math.ceil(10_000 - 10_000 / fastest) / 100}`,
    );
    return;
  }
  const outage = shortestPagingOutageSeconds(objective, periodSeconds);
  if (spec.alert_type === "model" && outage < MODEL_MIN_FOR_SECONDS) {
    const highest =
      Math.floor(10_000 * (1 - MODEL_MIN_FOR_SECONDS / pagingOutagePerBudget(periodSeconds))) / 100;
    issues.add(
      file,
      path,
      `at ${objective} a total outage of ${Math.round(outage)}s pages; ` +
        `a model SLO must not page for a blip shorter than ${MODEL_MIN_FOR_SECONDS / 60}m, ` +
        `so use an objective of ${highest} or less`,
    );
  }
}

export interface SloContext {
  config: Owners;
  vertical: string;
  file: string;
  issues: IssueList;
}

/** Validates a vertical's SLOs. Problems are added to `issues`; only valid SLOs are returned. */
export function checkSlos(specs: readonly SloSpec[], histograms: HistogramsSpec, context: SloContext): Slo[] {
  const { config, vertical, file, issues } = context;
  checkHistograms(histograms, file, issues);
  const seen = new Map<string, string>();
  const slos: Slo[] = [];
  specs.forEach((spec, i) => {
    const path = joinPath(["slos", i]);
    const before = issues.length;
    const previous = seen.get(spec.name);
    if (previous !== undefined)
      issues.add(file, `${path}.name`, `"${spec.name}" is already declared at ${previous}`);
    else seen.set(spec.name, path);

    const periodSeconds = parseDuration(spec.period);
    const longest = BURN_WINDOWS.reduce((a, b) => (seconds(b.long) > seconds(a.long) ? b : a)).long;
    if (periodSeconds === undefined) issues.add(file, `${path}.period`, `"${spec.period}" ${DURATION_HINT}`);
    else if (periodSeconds < seconds(longest)) {
      issues.add(
        file,
        `${path}.period`,
        `"${spec.period}" is shorter than the longest alert window (${longest})`,
      );
    }
    checkObjective(spec, periodSeconds, file, `${path}.objective`, issues);

    const toolName = spec.tool_name;
    if (spec.alert_type === "tool" && toolName === undefined) {
      issues.add(file, `${path}.tool_name`, "is required on tool SLOs; it chooses the integration's owner");
    }
    const team = ownerOf(config, spec.alert_type, toolName);
    if (spec.team !== undefined && spec.team !== team) {
      issues.add(
        file,
        `${path}.${LABEL.team}`,
        `"${spec.team}" contradicts routing: ${spec.alert_type} alerts` +
          (spec.alert_type === "tool" ? ` for tool "${toolName}"` : "") +
          ` go to "${team}"; remove the field or change the routing config`,
      );
    }
    const sli = checkSli(spec.sli, histograms, file, `${path}.sli`, issues);
    if (issues.length > before || sli === undefined || periodSeconds === undefined) return;
    slos.push({
      name: spec.name,
      vertical,
      description: spec.description,
      objective: spec.objective,
      period: spec.period,
      periodSeconds,
      alertType: spec.alert_type,
      team,
      toolName,
      runbookUrl: spec.runbook_url,
      sli,
      source: { file, path },
    });
  });
  return slos;
}
