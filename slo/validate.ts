// An SLO spec checked into an `Slo`: its histograms, queries, objective and owner, each problem
// named by file and path. Only valid SLOs go on to rules and tests.
import { LABEL, MODEL_MIN_FOR_SECONDS, PROMETHEUS_NAME } from "../core/conventions";
import { durationProblem, parseDuration } from "../core/duration";
import { type IssueList, joinPath } from "../core/errors";
import { type Owners, ownerOf } from "../core/ownership";
import { findSyntaxError } from "../core/promql";
import { checkTypes } from "../core/promqlTypes";
import {
  BURN_WINDOWS,
  fastestFactor,
  type HistogramsSpec,
  pagingOutagePerBudget,
  type Sli,
  type Slo,
  type SloSpec,
  seconds,
  shortestPagingOutageSeconds,
  tidy,
  WINDOW_PLACEHOLDER,
} from "./spec";

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
  const expr = query.replaceAll(WINDOW_PLACEHOLDER, "5m");
  const syntax = findSyntaxError(expr);
  if (syntax) {
    issues.add(
      file,
      path,
      `is not PromQL: syntax error at line ${syntax.line}, column ${syntax.column}` +
        (syntax.near ? ` near "${syntax.near}"` : ""),
    );
    return;
  }
  const typed = checkTypes(expr);
  if (!typed.ok) {
    issues.add(
      file,
      path,
      `is not PromQL Prometheus loads: at line ${typed.line}, column ${typed.column}: ${typed.message}`,
    );
  } else if (typed.type !== "instant vector" && typed.type !== "scalar") {
    issues.add(file, path, `gives a ${typed.type}; the SLO's ratio needs an instant vector or a scalar`);
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
    if (periodSeconds === undefined)
      issues.add(file, `${path}.period`, `"${spec.period}" ${durationProblem(spec.period)}`);
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
      symptom: spec.symptom ?? spec.name,
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
