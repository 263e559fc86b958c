// An SLO as Prometheus rules, the way Sloth writes them: the error ratio recorded over every window,
// then a page and a ticket alert on the SRE Workbook's multiwindow, multi-burn-rate pairs. Pure.
import { LABEL, sloAlertName, sloErrorRatioRecord, sloGroup } from "../core/conventions";
import type { IssueList } from "../core/errors";
import type { Alert, RecordingRule, RuleGroup } from "../core/rules";
import {
  BURN_WINDOWS,
  type BurnWindow,
  burnFactor,
  SLO_RATIO_WINDOWS,
  type Slo,
  type SloWindow,
  tidy,
  WINDOW_PLACEHOLDER,
} from "./spec";

function selector(labels: Record<string, string>): string {
  const matchers = Object.entries(labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return `{${matchers.join(", ")}}`;
}

/**
 * The `le` matcher of a latency threshold. Go clients write an integral boundary as `le="800"`, the
 * Python and Java clients (healthcare's FastAPI among them) as `le="800.0"`, and Prometheus 2 does
 * not normalise them, so an integral threshold matches both spellings.
 */
export function leMatcher(threshold: number): string {
  return Number.isInteger(threshold) ? `le=~"${threshold}(\\\\.0)?"` : `le="${threshold}"`;
}

function indent(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return text
    .trim()
    .split("\n")
    .map((line) => pad + line)
    .join("\n");
}

/** The SLI's error ratio over one window: errors / total, or the share of events above the threshold. */
export function errorRatioExpr(slo: Slo, window: SloWindow): string {
  const { sli } = slo;
  if (sli.kind === "events") {
    const over = (query: string) => indent(query.replaceAll(WINDOW_PLACEHOLDER, window), 2);
    return `(\n${over(sli.errorQuery)}\n)\n/\n(\n${over(sli.totalQuery)}\n)`;
  }
  const base = sli.histogram.slice(0, -"_bucket".length);
  const all = Object.entries(sli.selector).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  const good = `${sli.histogram}{${[...all, leMatcher(sli.threshold)].join(", ")}}`;
  const total = `${base}_count{${all.join(", ")}}`;
  return `1 - (\n  sum(rate(${good}[${window}]))\n  /\n  sum(rate(${total}[${window}]))\n)`;
}

/** The error budget as a fraction, printed as Sloth's documentation writes it: `(1 - 0.995)`. */
function budgetExpr(slo: Slo): string {
  return `(1 - ${tidy(slo.objective / 100)})`;
}

/** Labels that pick one SLO's recorded ratios out of every vertical's. */
export function sloSelector(slo: Slo): Record<string, string> {
  return { [LABEL.slo]: slo.name, [LABEL.vertical]: slo.vertical };
}

/**
 * One window pair: both the short and the long ratio above factor × budget. Sloth's shape: the
 * short window first, so the alert carries `slo_window` of the short window and resolves with it.
 */
function pairExpr(slo: Slo, window: BurnWindow): string {
  const threshold = `(${burnFactor(window, slo.periodSeconds)} * ${budgetExpr(slo)})`;
  const ratio = (over: SloWindow) =>
    `(${sloErrorRatioRecord(over)}${selector(sloSelector(slo))} > ${threshold})`;
  return `(\n    ${ratio(window.short)}\n    and ignoring (${LABEL.sloWindow})\n    ${ratio(window.long)}\n)`;
}

/** The alert over both pairs of a kind; `or ignoring` keeps one instance when both pairs fire. */
export function burnAlertExpr(slo: Slo, alert: BurnWindow["alert"]): string {
  return BURN_WINDOWS.filter((window) => window.alert === alert)
    .map((window) => pairExpr(slo, window))
    .join(`\nor ignoring (${LABEL.sloWindow})\n`);
}

function pairText(slo: Slo, alert: BurnWindow["alert"]): string {
  return BURN_WINDOWS.filter((window) => window.alert === alert)
    .map(
      (window) =>
        `${burnFactor(window, slo.periodSeconds)}× the sustainable rate ` +
        `over ${window.long} and ${window.short}`,
    )
    .join(", or ");
}

/**
 * Annotations hold no template: the rendered test can then expect them word for word, and the
 * ratios themselves are recorded series a responder can graph.
 */
function annotations(slo: Slo, alert: BurnWindow["alert"]): Record<string, string> {
  const budget = tidy(100 - slo.objective);
  const speed = alert === "page" ? "fast" : "steadily";
  return {
    summary: `SLO ${slo.name} of ${slo.vertical} is burning its error budget ${speed}`,
    description:
      `${slo.description} Objective ${slo.objective}% over ${slo.period}, an error budget of ${budget}%. ` +
      `This fires while errors spend the budget at more than ${pairText(slo, alert)}.`,
    runbook_url: slo.runbookUrl,
  };
}

/** The SLO's recording rules and its FastBurn (page, critical) and SlowBurn (ticket, warning) alerts. */
export function sloRuleGroup(slo: Slo): RuleGroup {
  const group = sloGroup(slo.name);
  const source = slo.source;
  const records: RecordingRule[] = SLO_RATIO_WINDOWS.map((window) => ({
    kind: "record",
    record: sloErrorRatioRecord(window),
    vertical: slo.vertical,
    group,
    expr: errorRatioExpr(slo, window),
    labels: { ...sloSelector(slo), [LABEL.sloWindow]: window },
    source,
  }));
  const alert = (kind: BurnWindow["alert"]): Alert => ({
    kind: "alert",
    name: sloAlertName(slo.vertical, slo.name, kind === "page" ? "fast" : "slow"),
    vertical: slo.vertical,
    group,
    expr: burnAlertExpr(slo, kind),
    alertType: slo.alertType,
    severity: kind === "page" ? "critical" : "warning",
    team: slo.team,
    toolName: slo.toolName,
    scope: "vertical",
    // `slo` also comes with the ratio series; written here, the routing review sees it too.
    labels: { [LABEL.slo]: slo.name, [LABEL.symptom]: slo.symptom },
    annotations: annotations(slo, kind),
    source,
    slo: slo.name,
  });
  return { name: group, rules: [...records, alert("page"), alert("ticket")] };
}

/**
 * The rule groups of a vertical's SLOs. A generated alert or group must not take a name the
 * catalogue already uses, or two rules would answer to one name in tests, routing and the summary.
 */
export function sloRuleGroups(
  slos: readonly Slo[],
  catalogue: readonly RuleGroup[],
  issues: IssueList,
): RuleGroup[] {
  const alertPaths = new Map(
    catalogue.flatMap((group) =>
      group.rules.flatMap((rule) => (rule.kind === "alert" ? [[rule.name, rule.source.path] as const] : [])),
    ),
  );
  const groupIndex = new Map(catalogue.map((group, g) => [group.name, g]));
  return slos.flatMap((slo) => {
    const group = sloRuleGroup(slo);
    const at = `${slo.source.path}.name`;
    const clashes: string[] = [];
    const g = groupIndex.get(group.name);
    if (g !== undefined) clashes.push(`rule group "${group.name}", which groups[${g}] already uses`);
    for (const rule of group.rules) {
      const path = rule.kind === "alert" ? alertPaths.get(rule.name) : undefined;
      if (rule.kind === "alert" && path !== undefined)
        clashes.push(`alert "${rule.name}", which ${path} already defines`);
    }
    for (const clash of clashes) issues.add(slo.source.file, at, `generates ${clash}; rename one of them`);
    return clashes.length > 0 ? [] : [group];
  });
}
