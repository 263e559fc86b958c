// Tiers decide coverage: a business-hours or e-mail-only tier never pages outside what it pays for,
// an alert without a tier keeps to its vertical's strictest tier, and a critical alert of a vertical
// whose strictest tier is 24x7 always has someone to page. Judged by evaluating every
// alert at every hour of a week against the declared Alertmanager config.

import { createRouter, type RouteNode, routeStatusAt } from "../alertmanager/evaluate";
import { namedIntervalsContain } from "../alertmanager/timeIntervals";
import { ALERTING_RULE_FILE, COVERAGES, LABEL, tierIntervalName } from "../core/conventions";
import { alertSubject, stackPolicy } from "./policy";

/** Every hour of a week without daylight-saving changes, on the half hour to stay off boundaries. */
const WEEK = Array.from(
  { length: 168 },
  (_, hour) => new Date(Date.parse("2026-01-12T00:30:00Z") + hour * 3600_000),
);

export const tierCoveragePolicy = stackPolicy({
  name: "tier-coverage",
  description:
    "A business-hours or e-mail-only tier never yields a page outside its hours, an alert without a tier keeps to the hours of the strictest tier its vertical sells, and a critical alert of a vertical whose strictest tier is 24x7 always has a 24/7 path.",
  enforcementLevel: "mandatory",
  defaults: {
    tiers: { enterprise: "24x7", business: "business-hours", trial: "email-only" } as Record<string, string>,
  },
  configSchema: {
    tiers: { type: "object", additionalProperties: { type: "string", enum: [...COVERAGES] } },
  },
  check(view, config, report) {
    const am = view.alertmanager?.config;
    if (!am) return;
    const router = createRouter(am);
    const paging = new Set(
      am.receivers.filter((receiver) => receiver.pagerduty_configs?.length).map((r) => r.name),
    );
    // Whether a route notifies depends only on the hour, and thousands of alerts reach the same few
    // routes: each paging route's hours are read once, and each set of routes' paging hours once.
    const routeHours = new Map<RouteNode, boolean[]>();
    const activeHours = (node: RouteNode) => {
      let hours = routeHours.get(node);
      if (!hours) {
        hours = WEEK.map((at) => paging.has(node.receiver) && routeStatusAt(am, node, at).active);
        routeHours.set(node, hours);
      }
      return hours;
    };
    const setHours = new Map<string, boolean[]>();
    const pagingHours = (nodes: readonly RouteNode[]) => {
      const key = nodes.map((node) => node.index.join(".")).join("|");
      let hours = setHours.get(key);
      if (!hours) {
        const each = nodes.map(activeHours);
        hours = WEEK.map((_, hour) => each.some((node) => node[hour]));
        setHours.set(key, hours);
      }
      return hours;
    };
    const tierHours = new Map(
      Object.entries(config.tiers)
        .filter(([, coverage]) => coverage === "business-hours")
        .map(([tier]) => [tier, WEEK.map((at) => namedIntervalsContain(am, [tierIntervalName(tier)], at))]),
    );
    for (const alert of view.alerts) {
      const { rule, vertical, strictestTier, resource } = alert;
      // The alerts about the alerting concern no customer: they follow their team's own coverage.
      if (vertical === ALERTING_RULE_FILE) continue;
      const labels: Record<string, string> = { ...rule.labels, alertname: rule.alert };
      if (labels[LABEL.severity] === "info") continue;
      for (const [tier, coverage] of Object.entries(config.tiers)) {
        if (coverage === "24x7") continue;
        const pages = pagingHours(router.match({ ...labels, [LABEL.tier]: tier }));
        const inHours = tierHours.get(tier) ?? [];
        const outside = WEEK.findIndex(
          (_, hour) => pages[hour] && (coverage === "email-only" || !inHours[hour]),
        );
        if (outside >= 0) {
          report(
            `Alert ${rule.alert} in ${vertical} pages under the ${coverage} tier ${tier} at ${WEEK[outside].toISOString()}, outside what the tier covers.`,
            resource.urn,
            alertSubject(alert),
          );
        }
      }
      // Without a tier, the alert takes the strictest tier its vertical sells, and keeps to its hours.
      const strictest = strictestTier ? config.tiers[strictestTier] : undefined;
      if (strictestTier && (strictest === "business-hours" || strictest === "email-only")) {
        const pages = pagingHours(router.match(labels));
        const inHours = tierHours.get(strictestTier) ?? [];
        const outside = WEEK.findIndex(
          (_, hour) => pages[hour] && (strictest === "email-only" || !inHours[hour]),
        );
        if (outside >= 0) {
          report(
            `Alert ${rule.alert} in ${vertical}, without a tier, pages at ${WEEK[outside].toISOString()}, outside what its strictest tier ${strictestTier} (${strictest}) covers.`,
            resource.urn,
            alertSubject(alert),
          );
        }
      }
      const critical = labels[LABEL.severity] === "critical" || labels[LABEL.severity] === "page";
      if (critical && strictestTier && config.tiers[strictestTier] === "24x7") {
        const pages = pagingHours(router.match(labels));
        const unpaged = pages.indexOf(false);
        if (unpaged >= 0) {
          report(
            `Critical alert ${rule.alert} of ${vertical}, whose strictest tier is 24x7, pages nobody at ${WEEK[unpaged].toISOString()}.`,
            resource.urn,
            alertSubject(alert),
          );
        }
      }
    }
  },
});
