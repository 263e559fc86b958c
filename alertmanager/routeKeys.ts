// Alertmanager's key of every route. PagerDuty's dedup_key hashes it with the group labels, so a
// key that disappears leaves the incidents open on it unresolved forever.
import { type Matcher, parseMatchers } from "./matchers";
import type { AmRoute } from "./types";

export interface RouteKey {
  key: string;
  receiver: string;
}

const MATCH_TYPE_ORDER = ["=", "!=", "=~", "!~"];

/** pkg/labels `Matchers.Less`: by name, then value, then type. */
function compareMatchers(a: Matcher, b: Matcher): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return MATCH_TYPE_ORDER.indexOf(a.op) - MATCH_TYPE_ORDER.indexOf(b.op);
}

/** pkg/labels `Matcher.String`, whose value escaping is OpenMetrics'. */
function keyMatcherText(matcher: Matcher): string {
  const value = matcher.value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
  return `${matcher.name}${matcher.op}"${value}"`;
}

/**
 * Every route's key as Alertmanager 0.25 builds it (dispatch/route.go `Key()`): the sorted matchers
 * of the route and of each ancestor, `{…}` joined by `/`. The PagerDuty dedup_key of an alert group
 * is a hash of this key and the group's labels, so a key that disappears orphans open incidents.
 */
export function routeKeys(route: AmRoute, parentKey?: string, inherited = ""): RouteKey[] {
  const matchers = (route.matchers ?? []).flatMap((text) => parseMatchers(text)).sort(compareMatchers);
  const key = `${parentKey === undefined ? "" : `${parentKey}/`}{${matchers.map(keyMatcherText).join(",")}}`;
  const receiver = route.receiver ?? inherited;
  return [{ key, receiver }, ...(route.routes ?? []).flatMap((child) => routeKeys(child, key, receiver))];
}

/** A route as one entry: its key, and the receiver under it (a new receiver orphans incidents too). */
export function routeKeyId(route: RouteKey): string {
  return `${route.key} -> ${route.receiver}`;
}

/** The routes of `before` whose key, or whose receiver under that key, `after` no longer has. */
export function lostRoutes(before: readonly RouteKey[], after: readonly RouteKey[]): RouteKey[] {
  const now = new Set(after.map(routeKeyId));
  const seen = new Set<string>();
  return before.filter((route) => {
    const id = routeKeyId(route);
    if (now.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
