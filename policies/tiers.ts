// Tiers decide coverage: a business-hours or e-mail-only tier never pages outside what it pays for,
// and a critical alert of a 24x7 vertical always has someone to page. Judged by evaluating every
// alert at every hour of a week against the declared Alertmanager config.

import { createRouter, type RouteNode, routeStatusAt } from "../alertmanager/evaluate";
import { namedIntervalsContain } from "../alertmanager/timeIntervals";
import { COVERAGES, LABEL, tierIntervalName } from "../core/conventions";
import { stackPolicy } from "./policy";

/** Every hour of a week without daylight-saving changes, on the half hour to stay off boundaries. */
const WEEK = Array.from(
  { length: 168 },
  (_, hour) => new Date(Date.parse("2026-01-12T00:30:00Z") + hour * 3600_000),
);

export const tierCoveragePolicy = stackPolicy({
  name: "tier-coverage",
  description:
    "A business-hours or e-mail-only tier never yields a page outside its hours, and a critical alert of a 24x7 vertical always has a 24/7 path.",
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
    // The routes an alert reaches do not change with the hour, only whether they notify then; so
    // they are matched once per label set, not once per hour of the week.
    const pagesAt = (nodes: readonly RouteNode[], at: Date) =>
      nodes
        .filter((node) => paging.has(node.receiver) && routeStatusAt(am, node, at).active)
        .map((node) => node.receiver);
    for (const { rule, vertical, defaultTier, resource } of view.alerts) {
      const labels: Record<string, string> = { ...rule.labels, alertname: rule.alert };
      if (labels[LABEL.severity] === "info") continue;
      for (const [tier, coverage] of Object.entries(config.tiers)) {
        if (coverage === "24x7") continue;
        const tieredRoutes = router.match({ ...labels, [LABEL.tier]: tier });
        const outside = WEEK.find(
          (at) =>
            pagesAt(tieredRoutes, at).length > 0 &&
            (coverage === "email-only" || !namedIntervalsContain(am, [tierIntervalName(tier)], at)),
        );
        if (outside) {
          report(
            `Alert ${rule.alert} in ${vertical} pages under the ${coverage} tier ${tier} at ${outside.toISOString()}, outside what the tier covers.`,
            resource.urn,
          );
        }
      }
      const critical = labels[LABEL.severity] === "critical" || labels[LABEL.severity] === "page";
      if (critical && defaultTier && config.tiers[defaultTier] === "24x7") {
        const routes = router.match(labels);
        const unpaged = WEEK.find((at) => pagesAt(routes, at).length === 0);
        if (unpaged) {
          report(
            `Critical alert ${rule.alert} of the 24x7 vertical ${vertical} pages nobody at ${unpaged.toISOString()}.`,
            resource.urn,
          );
        }
      }
    }
  },
});
