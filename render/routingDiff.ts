// What a change moves: two renders' routing matrices and route keys compared, as the markdown a
// pull request's reviewer reads. Pure: the CLI renders both sides and hands the files over.
import { lostRoutes, type RouteKey, routeKeyId } from "../alertmanager/routeKeys";
import type { RoutingMatrixFile } from "./routingMatrixFile";

export interface RenderedRouting {
  matrix: RoutingMatrixFile;
  routeKeys: RouteKey[];
}

type Row = RoutingMatrixFile["rows"][number];
type Cell = Row["cells"][string];

export interface MovedRow {
  vertical: string;
  alert: string;
  tier: string;
  moment: string;
  /** Undefined when the row does not exist on that side (a tier added or dropped). */
  before?: Cell;
  after?: Cell;
}

export interface RoutingDiff {
  moved: MovedRow[];
  addedAlerts: { vertical: string; alert: string; severity: string }[];
  removedAlerts: { vertical: string; alert: string; severity: string }[];
  /** Routes of the base whose key, or receiver under it, is gone: their open incidents never resolve. */
  lostRoutes: RouteKey[];
  newRoutes: RouteKey[];
}

/** A row's identity; an alert name written twice in a vertical is told apart by its position. */
function rowKeys(rows: readonly Row[]): Map<string, Row> {
  const keyed = new Map<string, Row>();
  for (const row of rows) {
    const base = [row.vertical, row.alert, row.tier].join("\u0000");
    let key = base;
    for (let n = 2; keyed.has(key); n++) key = `${base}\u0000${n}`;
    keyed.set(key, row);
  }
  return keyed;
}

const alertKey = (row: { vertical: string; alert: string }) => `${row.vertical}\u0000${row.alert}`;

function sameCell(a: Cell | undefined, b: Cell | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.pages === b.pages && a.receivers.join(",") === b.receivers.join(",");
}

export function diffRouting(base: RenderedRouting, head: RenderedRouting): RoutingDiff {
  const before = rowKeys(base.matrix.rows);
  const after = rowKeys(head.matrix.rows);
  const baseAlerts = new Set(base.matrix.rows.map(alertKey));
  const headAlerts = new Set(head.matrix.rows.map(alertKey));
  const labels = new Map([...base.matrix.moments, ...head.matrix.moments].map((m) => [m.id, m.label]));
  const moments = [...labels.keys()];
  const moved: MovedRow[] = [];
  // Rows of alerts present on both sides; an alert added or removed is listed once, below.
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(key);
    const now = after.get(key);
    const row = (now ?? was) as Row;
    if (!baseAlerts.has(alertKey(row)) || !headAlerts.has(alertKey(row))) continue;
    for (const moment of moments) {
      const a = was?.cells[moment];
      const b = now?.cells[moment];
      if (sameCell(a, b)) continue;
      moved.push({
        vertical: row.vertical,
        alert: row.alert,
        tier: row.tier,
        moment: labels.get(moment) ?? moment,
        before: a,
        after: b,
      });
    }
  }
  const alerts = (rows: readonly Row[], without: Set<string>) => {
    const listed = new Map<string, { vertical: string; alert: string; severity: string }>();
    for (const row of rows) {
      if (!without.has(alertKey(row)))
        listed.set(alertKey(row), { vertical: row.vertical, alert: row.alert, severity: row.severity });
    }
    return [...listed.values()];
  };
  const baseIds = new Set(base.routeKeys.map(routeKeyId));
  return {
    moved,
    addedAlerts: alerts(head.matrix.rows, baseAlerts),
    removedAlerts: alerts(base.matrix.rows, headAlerts),
    lostRoutes: lostRoutes(base.routeKeys, head.routeKeys),
    newRoutes: head.routeKeys.filter((route) => !baseIds.has(routeKeyId(route))),
  };
}

export function isRoutingUnchanged(diff: RoutingDiff): boolean {
  return (
    diff.moved.length === 0 &&
    diff.addedAlerts.length === 0 &&
    diff.removedAlerts.length === 0 &&
    diff.lostRoutes.length === 0
  );
}

function cellText(cell: Cell | undefined): string {
  if (!cell) return "(no such row)";
  if (cell.receivers.length === 0) return cell.muted.length > 0 ? "nobody (muted)" : "nobody";
  return `${cell.receivers.join(", ")}${cell.pages ? " — **pages**" : ""}`;
}

const code = (text: string) => `\`${text.replaceAll("`", "'")}\``;
const tableCell = (text: string) => text.replaceAll("|", "\\|");

export function renderRoutingDiff(stack: string, base: string, diff: RoutingDiff): string {
  const title = `## Routing diff of stack ${code(stack)} against ${code(base)}`;
  if (isRoutingUnchanged(diff)) {
    const routes =
      diff.newRoutes.length > 0
        ? ` (${diff.newRoutes.length} new route(s), which no catalogue alert takes yet)`
        : "";
    return `${title}\n\nno routing change${routes}\n`;
  }
  const lines = [title, ""];
  if (diff.moved.length > 0) {
    lines.push(
      `### Moved: ${diff.moved.length} (alert, tier, moment) row(s)`,
      "",
      "| vertical | alert | tier | moment | before | after |",
      "| --- | --- | --- | --- | --- | --- |",
      ...diff.moved.map(
        (row) =>
          `| ${[
            row.vertical,
            row.alert,
            row.tier || "—",
            row.moment,
            cellText(row.before),
            cellText(row.after),
          ]
            .map(tableCell)
            .join(" | ")} |`,
      ),
      "",
    );
  }
  for (const [heading, list] of [
    ["Alerts added", diff.addedAlerts],
    ["Alerts removed", diff.removedAlerts],
  ] as const) {
    if (list.length === 0) continue;
    lines.push(
      `### ${heading}: ${list.length}`,
      "",
      ...list.map(
        (alert) => `- ${alert.vertical}: ${code(alert.alert)} (${alert.severity || "no severity"})`,
      ),
      "",
    );
  }
  if (diff.lostRoutes.length > 0) {
    lines.push(
      `### Route keys that disappear: ${diff.lostRoutes.length}`,
      "",
      "> **Warning**: PagerDuty incidents open on these routes will never resolve: Alertmanager's",
      "> `dedup_key` hashes the route's key, so the resolve goes to another key. Before merging,",
      "> resolve the incidents open on them in PagerDuty, or keep the route as it was.",
      "",
      ...diff.lostRoutes.map((route) => `- ${code(route.key)} → ${route.receiver}`),
      "",
    );
  }
  if (diff.newRoutes.length > 0) lines.push(`${diff.newRoutes.length} new route(s).`, "");
  return lines.join("\n");
}
