// Advisories about the catalogue as a whole that no single rule's check can see.
import { type Selection, selectionsOf } from "../core/promql";
import { stackPolicy } from "./policy";

/**
 * Two selections watch the same series when they name the same metric and no label is pinned to a
 * different value on each side: `tool_name="calendar"` is not covered by an SLO on `tool_name="crm"`.
 */
function overlaps(a: Selection, b: Selection): boolean {
  if (a.metric !== b.metric) return false;
  return Object.entries(a.equals).every(
    ([label, value]) => !(label in b.equals) || b.equals[label] === value,
  );
}

/** The histogram's series count as the metric's: `x_bucket`, `x_count` and `x_sum` are all `x`. */
const base = (metric: string) => metric.replace(/_(bucket|count|sum)$/, "");

export const sloCoveredThresholdPolicy = stackPolicy({
  name: "threshold-alert-covered-by-slo",
  description:
    "A threshold alert on the same series that an SLO already covers with burn-rate alerts (same metric, no label pinned to a different value) is likely redundant noise.",
  enforcementLevel: "advisory",
  defaults: { sloRecordPrefix: "slo:" },
  configSchema: { sloRecordPrefix: { type: "string" } },
  check(view, config, report) {
    const covered = new Map<string, Selection[]>();
    for (const { vertical, rule } of view.recordingRules) {
      if (!rule.record?.startsWith(config.sloRecordPrefix)) continue;
      const list = covered.get(vertical) ?? [];
      list.push(...selectionsOf(rule.expr).filter((selection) => !selection.metric.includes(":")));
      covered.set(vertical, list);
    }
    for (const { rule, vertical, resource } of view.alerts) {
      if (/\bslo:/.test(rule.expr)) continue;
      // A per-customer alert (joined to the customer info series) sees one customer fail, which a
      // vertical's SLO cannot: it is never redundant with one.
      if (rule.expr.includes("group_left")) continue;
      const overlap = selectionsOf(rule.expr).filter((selection) =>
        (covered.get(vertical) ?? []).some((slo) =>
          overlaps({ ...selection, metric: base(selection.metric) }, { ...slo, metric: base(slo.metric) }),
        ),
      );
      const metrics = [...new Set(overlap.map((selection) => selection.metric))];
      if (metrics.length > 0) {
        report(
          `Threshold alert ${rule.alert} in ${vertical} watches ${metrics.join(", ")}, which an SLO's burn-rate alerts already cover.`,
          resource.urn,
        );
      }
    }
  },
});
