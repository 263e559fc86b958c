// Advisories about the catalogue as a whole that no single rule's check can see.
import { stackPolicy } from "./policy";

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
