// High availability: a Prometheus pair sends one alert twice, and Alertmanager merges the copies
// only when their labels are equal. A route grouping by a label that tells the replicas apart
// would make one group per replica, and each would page on its own.
import type { AmRoute } from "../alertmanager/types";
import { isReplicaLabel, REPLICA_LABELS } from "../core/conventions";
import { stackPolicy } from "./policy";

/** Each route with a `group_by`, with its path of child indexes from the root (`[]` is the root). */
function groupings(route: AmRoute, path: number[] = []): { path: number[]; groupBy: string[] }[] {
  const own = route.group_by ? [{ path, groupBy: route.group_by }] : [];
  return [...own, ...(route.routes ?? []).flatMap((child, i) => groupings(child, [...path, i]))];
}

export const groupByNoReplicaPolicy = stackPolicy({
  name: "group-by-no-replica",
  description: `No route groups by a label that tells HA replicas apart (${REPLICA_LABELS.join(", ")}): each replica's copy would form a group of its own and page on its own.`,
  enforcementLevel: "mandatory",
  defaults: {},
  configSchema: {},
  check(view, _config, report) {
    if (!view.alertmanager) return;
    for (const { path, groupBy } of groupings(view.alertmanager.config.route)) {
      for (const label of groupBy.filter(isReplicaLabel)) {
        const where = path.length ? `route.routes[${path.join("].routes[")}]` : "route";
        report(
          `${where}.group_by: "${label}" tells HA replicas apart, so each replica's copy of an alert would page on its own.`,
          view.alertmanager.resource.urn,
        );
      }
    }
  },
});
