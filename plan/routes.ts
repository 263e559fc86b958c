// The route tree: per vertical, per alert type and tool, per tier; who is paged, who is told, and when.
// Every decision of where an alert goes is made here, once.
import type { Matcher } from "../alertmanager/matchers";
import {
  ALERTING_RULE_FILE,
  COST_SPIKE_CATEGORY,
  IMPACT_VERTICAL,
  LABEL,
  receiverName,
  SEV1_PRIORITY,
  SEVERITY_ALIASES,
  tierIntervalName,
  WATCHDOG_ALERT,
} from "../core/conventions";
import { parseDuration } from "../core/duration";
import { toolOwnerEntries } from "../core/ownership";
import { type Alert, alertsOf } from "../core/rules";
import type { Timing } from "../input/config";
import { type AlertingModel, tiersOf, type Vertical } from "../input/model";
import type { TeamCoverage } from "./coverage";

/** What the route tree is built from: the checked model and each team's on-call coverage. */
interface RouteContext {
  model: AlertingModel;
  coverage: ReadonlyMap<string, TeamCoverage>;
}

export interface RoutePlan {
  matchers: Matcher[];
  receiver?: string;
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  continue?: boolean;
  activeTimeIntervals?: string[];
  muteTimeIntervals?: string[];
  routes?: RoutePlan[];
}

const eq = (name: string, value: string): Matcher => ({ name, op: "=", value });
const unique = (labels: string[]) => labels.filter((v, i, all) => all.indexOf(v) === i);

/** Matches `critical` and its aliases, so rules written with `severity: page` still page. */
function criticalMatcher(): Matcher {
  const aliases = Object.entries(SEVERITY_ALIASES)
    .filter(([, severity]) => severity === "critical")
    .map(([alias]) => alias);
  return aliases.length === 0
    ? eq(LABEL.severity, "critical")
    : { name: LABEL.severity, op: "=~", value: ["critical", ...aliases].join("|") };
}

function timed(route: RoutePlan, timing: Timing): RoutePlan {
  return {
    ...route,
    groupWait: timing.groupWait,
    groupInterval: timing.groupInterval,
    repeatInterval: timing.repeatInterval,
  };
}

type PagingWindow = "always" | string[] | "never";

/** When a team can be paged at all: at any hour, inside its business-hours tiers, or never. */
function teamWindow(context: RouteContext, owner: string): PagingWindow {
  const team = context.coverage.get(owner) ?? { kind: "email-only" };
  if (team.kind === "email-only") return "never";
  return team.kind === "24x7" ? "always" : team.tiers.map(tierIntervalName);
}

/**
 * When an owner is paged under a tier: always, inside some business hours (the names of their time
 * intervals), or never. The stricter of the tier's coverage and the team's on-call coverage wins.
 */
function pagingWindow(context: RouteContext, owner: string, tier: string): PagingWindow {
  const tierCoverage = context.model.tiers.get(tier);
  const team = teamWindow(context, owner);
  if (!tierCoverage || tierCoverage.coverage === "email-only" || team === "never") return "never";
  if (tierCoverage.coverage === "business-hours") return [tierIntervalName(tier)];
  return team;
}

/**
 * Pager routes within a window. Time intervals mute a route without making it stop matching, so a
 * business-hours page is a pair: the pager route, active in hours, continues to its twin, which is
 * muted in hours and tells Slack and e-mail outside them. The twins share a route key (same
 * matchers); that is harmless, since Alertmanager logs notifications per receiver and only the pager
 * route pages.
 */
function pagedWithin(
  context: RouteContext,
  owner: string,
  paging: readonly RoutePlan[],
  window: string[] | "always",
): RoutePlan[] {
  const { critical } = context.model.config.alertmanager.timings;
  if (window === "always") return paging.map((route) => timed(route, critical));
  return paging.flatMap((route) => [
    timed({ ...route, continue: true, activeTimeIntervals: window }, critical),
    timed(
      { matchers: route.matchers, receiver: receiverName(owner, "offhours"), muteTimeIntervals: window },
      critical,
    ),
  ]);
}

/**
 * The PagerDuty receivers an alert of a vertical can page through, under every tier it can be routed
 * under: its owner's, or its owner's SEV1 receiver for a P1 in a vertical that escalates SEV1. The
 * same decisions as the route tree's leaves below, so a business service depends on exactly these.
 */
export function pagingReceivers(
  model: AlertingModel,
  coverage: ReadonlyMap<string, TeamCoverage>,
  vertical: Vertical,
  alert: Alert,
): string[] {
  if (alert.severity !== "critical") return [];
  const sev1 = vertical.sev1EscalatesToExec && alert.priority === SEV1_PRIORITY;
  const paged = tiersOf(vertical, alert).some(
    (tier) => pagingWindow({ model, coverage }, alert.team, tier) !== "never",
  );
  return paged ? [receiverName(alert.team, sev1 ? "sev1" : undefined)] : [];
}

/** The routes of one owner under one tier: who is paged, who is told, and when. */
function tierLeaf(
  context: RouteContext,
  vertical: Vertical,
  owner: string,
  tier: string,
): RoutePlan[] | string {
  const window = pagingWindow(context, owner, tier);
  const { timings } = context.model.config.alertmanager;
  if (window === "never") return receiverName(owner, "email");
  const paging: RoutePlan[] = [];
  // A SEV1 route, and so a SEV1 service, only for an owner that one of the vertical's P1 alerts reaches.
  const ownsP1 = alertsOf(vertical).some(
    (alert) => alert.team === owner && alert.priority === SEV1_PRIORITY && alert.severity === "critical",
  );
  if (vertical.sev1EscalatesToExec && ownsP1) {
    paging.push({
      matchers: [criticalMatcher(), eq(LABEL.priority, SEV1_PRIORITY)],
      receiver: receiverName(owner, "sev1"),
    });
  }
  paging.push({ matchers: [criticalMatcher()], receiver: receiverName(owner) });
  const warning = timed(
    { matchers: [eq(LABEL.severity, "warning")], receiver: receiverName(owner, "slack") },
    timings.warning,
  );
  return [...pagedWithin(context, owner, paging, window), warning];
}

/**
 * An owner's routes: one branch per tier and one for an alert without a tier. In a tier that pages,
 * batched cost spikes come first; an e-mail-only tier sends everything, cost spikes included, by
 * e-mail.
 */
function ownerRoutes(context: RouteContext, vertical: Vertical, owner: string): RoutePlan[] {
  const { model } = context;
  const costSpike = timed(
    {
      matchers: [eq(LABEL.category, COST_SPIKE_CATEGORY), eq(LABEL.severity, "warning")],
      receiver: receiverName(owner, "slack"),
    },
    model.config.alertmanager.costSpike,
  );
  const tierRoute = (matcher: Matcher, tier: string): RoutePlan => {
    const leaf = tierLeaf(context, vertical, owner, tier);
    return typeof leaf === "string"
      ? timed({ matchers: [matcher], receiver: leaf }, model.config.alertmanager.timings.warning)
      : { matchers: [matcher], routes: [costSpike, ...leaf] };
  };
  // An alert without a tier label takes its vertical's strictest tier. An unknown tier value matches
  // no branch and reaches the catch-all, where a human sees the typo.
  return [
    ...[...model.tiers.keys()].sort().map((tier) => tierRoute(eq(LABEL.tier, tier), tier)),
    tierRoute(eq(LABEL.tier, ""), vertical.strictestTier),
  ];
}

function verticalRoute(context: RouteContext, vertical: Vertical): RoutePlan {
  const { routing, alertmanager, customers } = context.model.config;
  // One customer's page never waits behind another's group: groups are per customer too (an alert
  // without the label forms one group, as before).
  const groupBy = unique([...alertmanager.groupBy, customers.customerLabel]);
  const toolGroupBy = unique([...groupBy, LABEL.toolName]);
  const toolRoutes: RoutePlan[] = toolOwnerEntries(context.model.config).map(([tool, team]) => ({
    matchers: [eq(LABEL.toolName, tool)],
    routes: ownerRoutes(context, vertical, team),
  }));
  // The fallback has no matchers, so its route key stays the same when a tool owner is added.
  toolRoutes.push({ matchers: [], routes: ownerRoutes(context, vertical, routing.toolFallbackTeam) });
  return {
    matchers: [eq(LABEL.vertical, vertical.id)],
    groupBy,
    routes: [
      { matchers: [eq(LABEL.alertType, "infra")], routes: ownerRoutes(context, vertical, routing.infraTeam) },
      { matchers: [eq(LABEL.alertType, "model")], routes: ownerRoutes(context, vertical, routing.modelTeam) },
      { matchers: [eq(LABEL.alertType, "tool")], groupBy: toolGroupBy, routes: toolRoutes },
    ],
  };
}

/**
 * Stock alerts: rules that are not ours (kube-prometheus-stack's, a mixin's) carry no `alert_type`,
 * and reach the infra team at their own severity, within its on-call coverage: critical pages,
 * warning goes to Slack, anything else (`none`, `info`) is recorded and sent nowhere. Our own rules
 * always carry `alert_type`, so the stock `Watchdog` lands here too, never on our heartbeat.
 */
function stockRoute(context: RouteContext): RoutePlan {
  const { routing } = context.model.config;
  return {
    matchers: [eq(LABEL.alertType, "")],
    routes: [
      ...infraTeamRoutes(context),
      { matchers: [], receiver: receiverName(routing.catchAllTeam, "blackhole") },
    ],
  };
}

/**
 * Alerts no vertical's tiers concern, for the infra team at its own on-call coverage: critical
 * pages (within its hours when it keeps business hours; by e-mail when it is e-mail only), warning
 * goes to Slack (e-mail when it is e-mail only).
 */
function infraTeamRoutes(context: RouteContext): RoutePlan[] {
  const { routing, alertmanager } = context.model.config;
  const owner = routing.infraTeam;
  const window = teamWindow(context, owner);
  const critical = [criticalMatcher()];
  const paging =
    window === "never"
      ? [timed({ matchers: critical, receiver: receiverName(owner, "email") }, alertmanager.timings.critical)]
      : pagedWithin(context, owner, [{ matchers: critical, receiver: receiverName(owner) }], window);
  const warning = timed(
    {
      matchers: [eq(LABEL.severity, "warning")],
      receiver: receiverName(owner, window === "never" ? "email" : "slack"),
    },
    alertmanager.timings.warning,
  );
  return [...paging, warning];
}

/**
 * The alerts about the alerting (their own rule file, `vertical: alerting`) reach the infra team,
 * never through the integration that is failing: PagerDuty failing to take notifications reaches
 * them by Slack and e-mail at any hour; any other failure pages them as a critical alert does.
 */
function alertingRoute(context: RouteContext): RoutePlan {
  const { routing, alertmanager } = context.model.config;
  return {
    matchers: [eq(LABEL.vertical, ALERTING_RULE_FILE)],
    groupBy: unique([...alertmanager.groupBy, LABEL.integration]),
    routes: [
      timed(
        {
          matchers: [eq(LABEL.integration, "pagerduty")],
          receiver: receiverName(routing.infraTeam, "offhours"),
        },
        alertmanager.timings.critical,
      ),
      ...infraTeamRoutes(context),
    ],
  };
}

/**
 * Alertmanager re-sends a group at a group_interval tick only when more than repeat_interval has
 * passed; with the two equal, a tick arrives a hair early and the heartbeat halves its rate. So the
 * repeat is set a tenth below the interval the dead man's switch expects.
 */
function heartbeatRepeat(interval: string): string {
  return `${Math.max(1, Math.floor((parseDuration(interval) ?? 60) * 0.9))}s`;
}

export interface RouteTree {
  route: RoutePlan;
  /**
   * The subtree of each rule file's alerts, in the same order as in `route.routes`: each vertical's,
   * then the alerts about the alerting.
   */
  verticalRoutes: { vertical: string; route: RoutePlan }[];
}

/**
 * The whole tree: the heartbeat first, `info` to the blackhole, one subtree per vertical, then stock
 * alerts, then the alerts about the alerting.
 */
export function buildRouteTree(model: AlertingModel, coverage: ReadonlyMap<string, TeamCoverage>): RouteTree {
  const { routing, alertmanager } = model.config;
  const context = { model, coverage };
  const verticalRoutes = model.verticals.map((vertical) => ({
    vertical: vertical.id,
    route: verticalRoute(context, vertical),
  }));
  const alerting = alertingRoute(context);
  const route: RoutePlan = timed(
    {
      matchers: [],
      receiver: receiverName(routing.catchAllTeam, "unrouted"),
      groupBy: alertmanager.groupBy,
      routes: [
        {
          // Ours, not a stock Watchdog: ours carries alert_type and its vertical, one group each.
          matchers: [
            eq(LABEL.alertName, WATCHDOG_ALERT),
            eq(LABEL.alertType, "infra"),
            { name: LABEL.vertical, op: "=~", value: ".+" },
          ],
          receiver: receiverName(routing.heartbeatTeam, "heartbeat"),
          groupWait: "0s",
          groupInterval: alertmanager.heartbeat.repeatInterval,
          repeatInterval: heartbeatRepeat(alertmanager.heartbeat.repeatInterval),
        },
        { matchers: [eq(LABEL.severity, "info")], receiver: receiverName(routing.catchAllTeam, "blackhole") },
        ...verticalRoutes.map(({ route: subtree }) => subtree),
        // Last, so the verticals' route paths and keys stay where they are.
        stockRoute(context),
        alerting,
      ],
    },
    alertmanager.timings.warning,
  );
  return { route, verticalRoutes: [...verticalRoutes, { vertical: ALERTING_RULE_FILE, route: alerting }] };
}

export interface InhibitRulePlan {
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
}

const notP1: Matcher = { name: LABEL.priority, op: "!=", value: SEV1_PRIORITY };
const present = (name: string): Matcher => ({ name, op: "=~", value: ".+" });

/**
 * An outage of a whole vertical makes its model and tool alerts symptoms: hold them back so the AI
 * engineer is not paged for Redis being down. Only a critical infra alert that says so
 * (`impact: vertical`) inhibits; a crash-looping container or one replica behind does not. Scoped by
 * vertical, and by customer when the outage names one. The SEV1 invariant: a P1 alert is held back
 * only by a P1 source, so an outage that is not itself a SEV1 never hides one.
 */
function outageRules(customerLabel: string): InhibitRulePlan[] {
  const rules: InhibitRulePlan[] = [];
  for (const sev1 of [false, true]) {
    for (const perCustomer of [false, true]) {
      rules.push({
        sourceMatchers: [
          eq(LABEL.alertType, "infra"),
          criticalMatcher(),
          eq(LABEL.impact, IMPACT_VERTICAL),
          sev1 ? eq(LABEL.priority, SEV1_PRIORITY) : notP1,
          perCustomer ? present(customerLabel) : eq(customerLabel, ""),
        ],
        targetMatchers: [{ name: LABEL.alertType, op: "=~", value: "model|tool" }, ...(sev1 ? [] : [notP1])],
        equal: perCustomer ? [LABEL.vertical, customerLabel] : [LABEL.vertical],
      });
    }
  }
  return rules;
}

/**
 * One symptom, one page. Alerts that share a `symptom` rank P1 above critical above warning, and
 * while a stronger one fires the weaker ones of the same symptom, vertical and customer wait (an
 * alert without a customer only ever matches one without). An SLO's page (it carries `slo`) also
 * holds back the threshold alerts of its symptom, which only exist to catch a spike before the
 * budget notices. Alerts of equal rank never hold each other back, and no target is P1: nothing
 * but a P1 outage ever holds back a SEV1.
 */
function symptomRules(customerLabel: string): InhibitRulePlan[] {
  const equal = [LABEL.symptom, LABEL.vertical, customerLabel];
  const symptom = present(LABEL.symptom);
  return [
    {
      sourceMatchers: [symptom, criticalMatcher(), eq(LABEL.priority, SEV1_PRIORITY)],
      targetMatchers: [symptom, notP1],
      equal,
    },
    {
      sourceMatchers: [symptom, criticalMatcher(), notP1],
      targetMatchers: [symptom, eq(LABEL.severity, "warning"), notP1],
      equal,
    },
    {
      sourceMatchers: [symptom, criticalMatcher(), notP1, present(LABEL.slo)],
      targetMatchers: [symptom, criticalMatcher(), notP1, eq(LABEL.slo, "")],
      equal,
    },
  ];
}

/** Every inhibit rule: a vertical's outage over its symptoms, then each symptom's strongest alert. */
export function buildInhibitRules(customerLabel: string): InhibitRulePlan[] {
  return [...outageRules(customerLabel), ...symptomRules(customerLabel)];
}
