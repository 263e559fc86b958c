// Rules about the alerts themselves: remediation keeps a human on prompt regressions, cost spikes
// page only above 5× baseline, and the advisories a reviewer should see.
import {
  COST_SPIKE_CATEGORY,
  COST_SPIKE_PAGE_RATIO,
  LABEL,
  MODEL_MIN_FOR_SECONDS,
} from "../core/conventions";
import { parseDuration } from "../core/duration";
import { topLevelThreshold } from "../core/promql";
import { stackPolicy } from "./policy";

const isPaging = (severity: string | undefined) => severity === "critical" || severity === "page";

export const autoRemediationPolicy = stackPolicy({
  name: "auto-remediation-infra-only",
  description:
    "Auto-remediation is allowed only on infra alerts with a runbook, never on model alerts: a human stays in the loop for prompt regressions.",
  enforcementLevel: "mandatory",
  defaults: { label: LABEL.autoRemediation as string },
  configSchema: { label: { type: "string" } },
  check(view, config, report) {
    for (const { rule, vertical, resource } of view.alerts) {
      const action = rule.labels?.[config.label] ?? rule.annotations?.[config.label];
      if (action === undefined) continue;
      const type = rule.labels?.[LABEL.alertType];
      if (type !== "infra")
        report(
          `${type} alert ${rule.alert} in ${vertical} is marked for auto-remediation (${action}).`,
          resource.urn,
        );
      else if (!rule.annotations?.runbook_url)
        report(
          `Infra alert ${rule.alert} in ${vertical} is auto-remediated without a runbook_url.`,
          resource.urn,
        );
    }
  },
});

export const costSpikeRatioPolicy = stackPolicy({
  name: "cost-spike-pages-above-ratio",
  description: "Cost-spike alerts do not page below 5× baseline; smaller spikes are batched to Slack.",
  enforcementLevel: "mandatory",
  defaults: { pageRatio: COST_SPIKE_PAGE_RATIO },
  configSchema: { pageRatio: { type: "number", minimum: 1 } },
  check(view, config, report) {
    for (const { rule, vertical, resource } of view.alerts) {
      if (rule.labels?.[LABEL.category] !== COST_SPIKE_CATEGORY || !isPaging(rule.labels?.[LABEL.severity]))
        continue;
      const threshold = topLevelThreshold(rule.expr);
      if (threshold === undefined || threshold < config.pageRatio) {
        report(
          `Cost-spike alert ${rule.alert} in ${vertical} pages at ${threshold ?? "no clear"}× baseline, below ${config.pageRatio}×.`,
          resource.urn,
        );
      }
    }
  },
});

export const runbookPolicy = stackPolicy({
  name: "paging-alerts-have-runbooks",
  description: "Paging alerts link a runbook, so whoever is woken knows the first step.",
  enforcementLevel: "advisory",
  defaults: { annotation: "runbook_url" },
  configSchema: { annotation: { type: "string" } },
  check(view, config, report) {
    for (const { rule, vertical, resource } of view.alerts) {
      if (isPaging(rule.labels?.[LABEL.severity]) && !rule.annotations?.[config.annotation]) {
        report(`Paging alert ${rule.alert} in ${vertical} has no ${config.annotation}.`, resource.urn);
      }
    }
  },
});

export const modelAlertForPolicy = stackPolicy({
  name: "model-alert-for-at-least-3m",
  description: "A model alert holds for at least 3 minutes, so a blip that recovers in two pages nobody.",
  enforcementLevel: "advisory",
  defaults: { minForSeconds: MODEL_MIN_FOR_SECONDS },
  configSchema: { minForSeconds: { type: "integer", minimum: 0 } },
  check(view, config, report) {
    for (const { rule, vertical, resource } of view.alerts) {
      if (rule.labels?.[LABEL.alertType] !== "model" || rule.labels?.[LABEL.severity] === "info") continue;
      // Multi-window burn-rate alerts (over `slo:` recording rules) hold through their short window
      // instead of `for`.
      if (/\bslo:/.test(rule.expr)) continue;
      const seconds = rule.for ? (parseDuration(rule.for) ?? 0) : 0;
      if (seconds < config.minForSeconds)
        report(
          `Model alert ${rule.alert} in ${vertical} fires after ${rule.for ?? "0s"}, under ${config.minForSeconds}s.`,
          resource.urn,
        );
    }
  },
});

const METRIC = /\b([a-zA-Z_:][a-zA-Z0-9_:]*)(?=\s*[{[])/g;

/** Metric names an expression selects: identifiers followed by a selector or a range. */
function metricsOf(expr: string): Set<string> {
  return new Set([...expr.matchAll(METRIC)].map((match) => match[1]).filter((name) => !name.includes(":")));
}

export const sloCoveredThresholdPolicy = stackPolicy({
  name: "threshold-alert-covered-by-slo",
  description:
    "A threshold alert on a metric that an SLO already covers with burn-rate alerts is likely redundant noise.",
  enforcementLevel: "advisory",
  defaults: { sloRecordPrefix: "slo:" },
  configSchema: { sloRecordPrefix: { type: "string" } },
  check(view, config, report) {
    const covered = new Map<string, Set<string>>();
    for (const { vertical, rule } of view.recordingRules) {
      if (!rule.record?.startsWith(config.sloRecordPrefix)) continue;
      if (!covered.has(vertical)) covered.set(vertical, new Set());
      for (const metric of metricsOf(rule.expr)) covered.get(vertical)?.add(metric);
    }
    for (const { rule, vertical, resource } of view.alerts) {
      if (/\bslo:/.test(rule.expr)) continue;
      const overlap = [...metricsOf(rule.expr)].filter((metric) => covered.get(vertical)?.has(metric));
      if (overlap.length > 0) {
        report(
          `Threshold alert ${rule.alert} in ${vertical} watches ${overlap.join(", ")}, which an SLO's burn-rate alerts already cover.`,
          resource.urn,
        );
      }
    }
  },
});
