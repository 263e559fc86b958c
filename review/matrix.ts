// The routing matrix: every catalogue alert, under every tier, at three moments of a week, and who
// it reaches. A pull request's diff of this table is the review of a routing change.

import { createRouter, routeStatusAt } from "../alertmanager/evaluate";
import type { AmConfig, LabelSet } from "../alertmanager/types";
import { ALERTING_RULE_FILE, ALERTMANAGER_INTEGRATIONS, LABEL } from "../core/conventions";
import { labelKept } from "../core/promqlLabels";
import type { AlertingModel } from "../input/model";
import { zonedInstant } from "../plan/businessHours";
import type { AlertingPlan } from "../plan/plan";

export type MomentId = "business-hours" | "night" | "weekend";

export interface Moment {
  id: MomentId;
  label: string;
  at: Date;
}

export interface MatrixCell {
  /** Receivers that notify at this moment, in route order. */
  receivers: string[];
  /** Receivers whose route matched but is muted at this moment. */
  muted: string[];
  teams: string[];
  pages: boolean;
}

export interface MatrixRow {
  vertical: string;
  alert: string;
  severity: string;
  tier: string;
  /** The vertical's strictest tier, which an alert without a tier label takes. */
  isStrictestTier: boolean;
  cells: Record<MomentId, MatrixCell>;
}

/** A week without daylight-saving changes anywhere in the northern hemisphere. */
const REFERENCE_WEDNESDAY = { year: 2026, month: 1, day: 14 };
const REFERENCE_SATURDAY = { year: 2026, month: 1, day: 17 };

/**
 * Wednesday 11:00, Wednesday 03:00 and Saturday 11:00, on the clock of the first business-hours
 * tier (UTC without one), so "business hours" means the hours the tiers define.
 */
export function referenceMoments(model: AlertingModel): Moment[] {
  const business = [...model.tiers.values()].find((tier) => tier.coverage === "business-hours");
  const zone = business?.coverage === "business-hours" ? business.timeZone : "UTC";
  return [
    {
      id: "business-hours",
      label: `weekday 11:00 ${zone}`,
      at: zonedInstant(REFERENCE_WEDNESDAY, "11:00", zone),
    },
    { id: "night", label: `weekday 03:00 ${zone}`, at: zonedInstant(REFERENCE_WEDNESDAY, "03:00", zone) },
    { id: "weekend", label: `Saturday 11:00 ${zone}`, at: zonedInstant(REFERENCE_SATURDAY, "11:00", zone) },
  ];
}

/**
 * The label variants an alert is shown under: each tier; for the alerts about the alerting, which no
 * tier concerns, none, and each integration for the alert that names the failing one.
 */
function variants(
  model: AlertingModel,
  file: string,
  expr: string,
): { tier: string; extra: Record<string, string> }[] {
  if (file !== ALERTING_RULE_FILE)
    return [...model.tiers.keys()].sort().map((tier) => ({ tier, extra: { [LABEL.tier]: tier } }));
  if (!labelKept(expr, LABEL.integration).kept) return [{ tier: "", extra: {} }];
  return ALERTMANAGER_INTEGRATIONS.map((integration) => ({
    tier: "",
    extra: { [LABEL.integration]: integration },
  }));
}

export function routingMatrix(model: AlertingModel, plan: AlertingPlan, config: AmConfig): MatrixRow[] {
  const router = createRouter(config);
  const moments = referenceMoments(model);
  const teamOf = new Map(plan.receivers.map((receiver) => [receiver.name, receiver.team]));
  const paging = new Set(
    plan.receivers.filter((receiver) => receiver.pagerduty).map((receiver) => receiver.name),
  );
  const defaults = new Map(model.verticals.map((vertical) => [vertical.id, vertical.strictestTier]));
  const rows: MatrixRow[] = [];
  const row = (vertical: string, alert: string, severity: string, tier: string, labels: LabelSet) => {
    const nodes = router.match(labels);
    const cells = {} as Record<MomentId, MatrixCell>;
    for (const moment of moments) {
      const active = nodes
        .filter((node) => routeStatusAt(config, node, moment.at).active)
        .map((n) => n.receiver);
      const muted = nodes
        .filter((node) => !routeStatusAt(config, node, moment.at).active)
        .map((n) => n.receiver);
      cells[moment.id] = {
        receivers: active,
        muted,
        teams: [...new Set(active.map((receiver) => teamOf.get(receiver) ?? receiver))],
        pages: active.some((receiver) => paging.has(receiver)),
      };
    }
    rows.push({ vertical, alert, severity, tier, isStrictestTier: defaults.get(vertical) === tier, cells });
  };
  for (const file of plan.ruleFiles) {
    for (const rule of file.groups.flatMap((group) => group.rules)) {
      if (!rule.alert) continue;
      for (const { tier, extra } of variants(model, file.vertical, rule.expr)) {
        const labels: LabelSet = { ...rule.labels, alertname: rule.alert, ...extra };
        const integration = extra[LABEL.integration];
        const alert = integration ? `${rule.alert} (${integration})` : rule.alert;
        row(file.vertical, alert, rule.labels?.severity ?? "", tier, labels);
      }
    }
  }
  // Alerts that arrive through the bridge, named with their source: they carry no tier of their own.
  for (const alert of plan.bridge?.alerts ?? []) {
    for (const { tier, extra } of variants(model, alert.vertical, "")) {
      row(alert.vertical, `${alert.alertname} (${alert.source})`, alert.severity, tier, {
        ...alert.labels,
        ...extra,
      });
    }
  }
  return rows;
}
