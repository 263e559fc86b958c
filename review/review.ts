// Everything a reviewer reads about routing, from the plan and the Alertmanager config it renders:
// the static checks' findings and the routing matrix.

import { inhibitingAlert } from "../alertmanager/inhibit";
import type { AmConfig } from "../alertmanager/types";
import { ALERTMANAGER_INTEGRATIONS, LABEL, SEV1_PRIORITY } from "../core/conventions";
import { type AlertingModel, tiersOf } from "../input/model";
import type { AlertingPlan } from "../plan/plan";
import { type CatalogueAlert, type Finding, lintRoutes } from "./lint";
import { type MatrixRow, type Moment, referenceMoments, routingMatrix } from "./matrix";

/** A catalogue alert that waits while any of `by` fires (as written, with no customer on either). */
export interface HeldBack {
  vertical: string;
  alert: string;
  by: string[];
}

export interface RoutingReview {
  moments: Moment[];
  matrix: MatrixRow[];
  findings: Finding[];
  heldBack: HeldBack[];
}

/** A rule file's alerts with the labels they leave Prometheus with, as written. */
function fileAlerts(file: AlertingPlan["ruleFiles"][number]): CatalogueAlert[] {
  return file.groups.flatMap((group) =>
    group.rules.flatMap((rule) =>
      rule.alert ? [{ name: rule.alert, labels: { ...rule.labels, alertname: rule.alert } }] : [],
    ),
  );
}

/** Catalogue alerts with the labels they leave Prometheus with, as written and under every tier. */
function catalogueAlerts(model: AlertingModel, plan: AlertingPlan): CatalogueAlert[] {
  const tiers = [...model.tiers.keys()];
  return plan.ruleFiles
    .flatMap(fileAlerts)
    .flatMap(({ name, labels }) => [
      { name, labels },
      ...tiers.map((tier) => ({ name: `${name} (tier ${tier})`, labels: { ...labels, tier } })),
    ]);
}

/**
 * The SEV1 invariant, proved for every pair of catalogue alerts of a vertical, with and without a
 * customer on each: no alert that is not P1 holds back a P1 alert. One finding per pair that breaks it.
 */
export function sev1Violations(plan: AlertingPlan, config: AmConfig): Finding[] {
  const customer = plan.customers.customerLabel;
  const findings: Finding[] = [];
  for (const file of plan.ruleFiles) {
    const alerts = fileAlerts(file);
    const variants = (labels: Record<string, string>) => [labels, { ...labels, [customer]: "any-customer" }];
    for (const target of alerts) {
      if (target.labels[LABEL.priority] !== SEV1_PRIORITY) continue;
      for (const source of alerts) {
        if (source === target || source.labels[LABEL.priority] === SEV1_PRIORITY) continue;
        const held = variants(target.labels).some((t) =>
          variants(source.labels).some((firing) => inhibitingAlert(config, [firing], t) !== undefined),
        );
        if (held) {
          findings.push({
            kind: "sev1-held-back",
            severity: "error",
            message: `${source.name} (not ${SEV1_PRIORITY}) holds back the SEV1 alert ${target.name} in ${file.vertical}: an inhibit rule must never hide a SEV1 behind a lesser alert`,
          });
        }
      }
    }
  }
  return findings;
}

/** Which catalogue alert of a vertical is held back by which others, through the inhibit rules. */
export function heldBackAlerts(plan: AlertingPlan, config: AmConfig): HeldBack[] {
  return plan.ruleFiles.flatMap((file) => {
    const alerts = fileAlerts(file);
    return alerts.flatMap((target) => {
      const by = alerts
        .filter((source) => source !== target && inhibitingAlert(config, [source.labels], target.labels))
        .map((source) => source.name);
      return by.length > 0 ? [{ vertical: file.vertical, alert: target.name, by }] : [];
    });
  });
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
    // The alerts about the alerting carry the integration that fails, as Alertmanager's metric names it.
    impliedValues: { tier: [...new Set(effectiveTiers)], integration: [...ALERTMANAGER_INTEGRATIONS] },
  });
  return {
    moments: referenceMoments(model),
    matrix: routingMatrix(model, plan, config),
    findings: [...sev1Violations(plan, config), ...findings],
    heldBack: heldBackAlerts(plan, config),
  };
}
