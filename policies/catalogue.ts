// Advisories about the catalogue as a whole that no single rule's check can see.
import { LABEL } from "../core/conventions";
import { type Selection, selectionsOf } from "../core/promql";
import { alertSubject, stackPolicy } from "./policy";

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

/** Each SLO's covered series and the symptom its burn-rate alerts carry, by vertical and SLO name. */
interface CoveringSlo {
  name: string;
  symptom?: string;
  selections: Selection[];
}

export const sloCoveredThresholdPolicy = stackPolicy({
  name: "threshold-alert-covered-by-slo",
  description:
    "A threshold alert on the series an SLO already covers (same metric, no label pinned to a different value) carries the SLO's symptom, so the SLO's page holds it back; otherwise both page for one symptom.",
  enforcementLevel: "advisory",
  defaults: { sloRecordPrefix: "slo:" },
  configSchema: { sloRecordPrefix: { type: "string" } },
  check(view, config, report) {
    const slos = new Map<string, CoveringSlo>();
    const sloOf = (vertical: string, name: string): CoveringSlo => {
      const key = `${vertical}/${name}`;
      const slo = slos.get(key) ?? { name, selections: [] };
      slos.set(key, slo);
      return slo;
    };
    for (const { vertical, rule } of view.recordingRules) {
      if (!rule.record?.startsWith(config.sloRecordPrefix)) continue;
      // Ours carry the SLO's name; a hand-written one is known by its record.
      sloOf(vertical, rule.labels?.[LABEL.slo] ?? rule.record).selections.push(
        ...selectionsOf(rule.expr).filter((selection) => !selection.metric.includes(":")),
      );
    }
    for (const { rule, vertical } of view.alerts) {
      const name = rule.labels?.[LABEL.slo];
      if (name !== undefined) sloOf(vertical, name).symptom = rule.labels?.[LABEL.symptom];
    }
    for (const alert of view.alerts) {
      const { rule, vertical, resource } = alert;
      if (/\bslo:/.test(rule.expr)) continue;
      // A per-customer alert (joined to the customer info series) sees one customer fail, which a
      // vertical's SLO cannot: it is never redundant with one.
      if (rule.expr.includes("group_left")) continue;
      const symptom = rule.labels?.[LABEL.symptom];
      const covering = [...slos.entries()]
        .filter(([key]) => key.startsWith(`${vertical}/`))
        .map(([, slo]) => slo)
        .filter((slo) => slo.symptom === undefined || slo.symptom !== symptom)
        .filter((slo) =>
          selectionsOf(rule.expr).some((selection) =>
            slo.selections.some((covered) =>
              overlaps(
                { ...selection, metric: base(selection.metric) },
                { ...covered, metric: base(covered.metric) },
              ),
            ),
          ),
        );
      for (const slo of covering) {
        report(
          `Threshold alert ${rule.alert} in ${vertical} watches the series SLO ${slo.name} covers, without its symptom: both page for one symptom. Add the label ${LABEL.symptom}: ${slo.symptom ?? slo.name} so the SLO's page holds it back, or remove the alert.`,
          resource.urn,
          { ...alertSubject(alert), field: `labels.${LABEL.symptom}` },
        );
      }
    }
  },
});
