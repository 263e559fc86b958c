// Everything a reviewer reads about routing, from the plan and the Alertmanager config it renders:
// the static checks' findings and the routing matrix.

import type { AmConfig } from "../alertmanager/types";
import { type AlertingModel, tiersOf } from "../input/model";
import type { AlertingPlan } from "../plan/plan";
import { type CatalogueAlert, type Finding, lintRoutes } from "./lint";
import { type MatrixRow, type Moment, referenceMoments, routingMatrix } from "./matrix";

export interface RoutingReview {
  moments: Moment[];
  matrix: MatrixRow[];
  findings: Finding[];
}

/** Catalogue alerts with the labels they leave Prometheus with, as written and under every tier. */
function catalogueAlerts(model: AlertingModel, plan: AlertingPlan): CatalogueAlert[] {
  const tiers = [...model.tiers.keys()];
  return plan.ruleFiles.flatMap((file) =>
    file.groups.flatMap((group) =>
      group.rules.flatMap((rule) => {
        if (!rule.alert) return [];
        const labels = { ...rule.labels, alertname: rule.alert };
        return [
          { name: rule.alert, labels },
          ...tiers.map((tier) => ({ name: `${rule.alert} (tier ${tier})`, labels: { ...labels, tier } })),
        ];
      }),
    ),
  );
}

export function reviewRouting(model: AlertingModel, plan: AlertingPlan, config: AmConfig): RoutingReview {
  const teamOf = new Map(plan.receivers.map((receiver) => [receiver.name, receiver.team]));
  // An alert without a tier label carries its vertical's strictest tier in effect; a per-customer
  // alert carries the tier of its customer, any the vertical sells.
  const effectiveTiers = model.verticals.flatMap((vertical) =>
    vertical.groups.flatMap((group) =>
      group.rules.flatMap((rule) => (rule.kind === "alert" ? tiersOf(vertical, rule) : [])),
    ),
  );
  const findings = lintRoutes({
    config,
    alerts: catalogueAlerts(model, plan),
    teamOf: (receiver) => teamOf.get(receiver) ?? receiver,
    impliedValues: { tier: [...new Set(effectiveTiers)] },
  });
  return { moments: referenceMoments(model), matrix: routingMatrix(model, plan, config), findings };
}
