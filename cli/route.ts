// `npm run route -- --stack <name> [--at <ISO time>] label=value …` or `… --file <alerts.yaml>`
// Answers "who gets woken up by this alert, at that time", across Alertmanager and PagerDuty.
import { createRouter, type RouteNode, routeStatusAt } from "../alertmanager/evaluate";
import { inhibitingAlert } from "../alertmanager/inhibit";
import { formatMatcher } from "../alertmanager/matchers";
import type { AmConfig, LabelSet } from "../alertmanager/types";
import { BRIDGE_SOURCES, LABEL, PROMETHEUS_NAME } from "../core/conventions";
import { ValidationError } from "../core/errors";
import { compileRouting } from "../pipeline/compile";
import { readYamlFile, stackFilePath } from "../pipeline/projectFiles";
import { localTime } from "../plan/businessHours";
import { routedTier } from "../plan/customerTier";
import type { OnCallPlan, TeamOnCallPlan } from "../plan/onCall";
import type { AlertingPlan } from "../plan/plan";
import { onCallAt, urgencyAt } from "../review/onCallAt";
import { readStackFile } from "./stackFile";

const USAGE =
  "usage: npm run route -- --stack <name> [--at <ISO time>] [--customer-tier <customer>=<tier> …] [--customer-tiers <file>] (label=value … | --file <alerts.yaml|json>)";

class UsageError extends Error {}

export interface RouteOptions {
  stack: string;
  at: Date;
  alerts: LabelSet[];
  /** Each customer's tier, as the customer info series would give it. */
  customerTiers: Map<string, string>;
}

function parseLabel(text: string): [string, string] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new UsageError(`"${text}" is not a label; write name=value`);
  const name = text.slice(0, eq);
  if (!PROMETHEUS_NAME.test(name))
    throw new UsageError(`"${name}" is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)`);
  return [name, text.slice(eq + 1)];
}

export function parseTime(text: string): Date {
  // Without an offset the instant would depend on this machine's zone; routing must not.
  if (!/(Z|[+-]\d\d:\d\d)$/.test(text)) {
    throw new UsageError(`--at "${text}" needs a time zone: end it with Z or an offset like -05:00`);
  }
  const at = new Date(text);
  if (Number.isNaN(at.getTime()))
    throw new UsageError(`--at "${text}" is not an ISO 8601 time (like 2026-01-14T11:00:00-05:00)`);
  return at;
}

/** The data of a file an option names, refused like a stack file: too large, not UTF-8, an alias bomb. */
function readOption(option: string, file: string): unknown {
  const read = readYamlFile(file);
  if (!read.ok) throw new UsageError(`${option} ${file} ${read.message}`);
  return read.data;
}

function readAlertFile(file: string): LabelSet[] {
  const data = readOption("--file", file);
  const list = Array.isArray(data) ? data : (data as { alerts?: unknown })?.alerts;
  if (!Array.isArray(list))
    throw new UsageError(`--file ${file} must hold a list of alerts, each a map of labels`);
  return list.map((item, i) => {
    const labels = (item as { labels?: unknown })?.labels ?? item;
    if (labels === null || typeof labels !== "object" || Array.isArray(labels)) {
      throw new UsageError(`--file ${file}: alert [${i}] is not a map of labels`);
    }
    return Object.fromEntries(
      Object.entries(labels).map(([name, value]) => {
        if (!PROMETHEUS_NAME.test(name))
          throw new UsageError(`--file ${file}: alert [${i}]: "${name}" is not a valid label name`);
        return [name, String(value)];
      }),
    );
  });
}

export function parseRouteArgs(argv: string[], now = new Date()): RouteOptions {
  let stack = "prod";
  let at = now;
  let file: string | undefined;
  const labels: [string, string][] = [];
  const customerTiers = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (["--stack", "--at", "--file", "--customer-tier", "--customer-tiers"].includes(arg)) {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`${arg} needs a value`);
      if (arg === "--stack") stack = value;
      if (arg === "--at") at = parseTime(value);
      if (arg === "--file") file = value;
      if (arg === "--customer-tier") {
        const [customer, tier] = splitPair(value);
        customerTiers.set(customer, tier);
      }
      if (arg === "--customer-tiers")
        for (const [customer, tier] of readCustomerTiers(value)) customerTiers.set(customer, tier);
    } else if (arg.startsWith("--")) {
      throw new UsageError(`unknown option "${arg}"`);
    } else {
      labels.push(parseLabel(arg));
    }
  }
  if (file && labels.length > 0) throw new UsageError("give labels or --file, not both");
  const alerts = file ? readAlertFile(file) : labels.length > 0 ? [Object.fromEntries(labels)] : [];
  if (alerts.length === 0)
    throw new UsageError("no alert: give its labels (alertname=… vertical=…) or --file");
  return { stack, at, alerts, customerTiers };
}

function splitPair(text: string): [string, string] {
  const eq = text.indexOf("=");
  if (eq <= 0 || eq === text.length - 1) {
    throw new UsageError(`--customer-tier "${text}" is not a customer and a tier; write <customer>=<tier>`);
  }
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** A file of customers' tiers: a map `customer: tier`, as billing's info series would give them. */
function readCustomerTiers(file: string): [string, string][] {
  const data = readOption("--customer-tiers", file);
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new UsageError(`--customer-tiers ${file} must hold a map of customer: tier`);
  }
  return Object.entries(data).map(([customer, tier]) => [customer, String(tier)]);
}

function describeTime(at: Date, zones: string[]): string {
  const local = zones.map((zone) => {
    const { weekday, minute } = localTime(at, zone);
    const clock = `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
    return `${weekday} ${clock} ${zone}`;
  });
  return `${at.toISOString()} (${local.join("; ")})`;
}

function chain(node: RouteNode): string[] {
  const nodes: RouteNode[] = [];
  for (let current: RouteNode | undefined = node; current; current = current.parent) nodes.unshift(current);
  return nodes.map((current, depth) => {
    const matchers =
      current.matchers.length > 0
        ? current.matchers.map(formatMatcher).join(", ")
        : depth === 0
          ? "root"
          : "any";
    return `${"  ".repeat(depth)}${depth > 0 ? "└ " : ""}{${matchers}}${current === node ? ` → ${node.receiver}` : ""}`;
  });
}

function escalationText(onCall: OnCallPlan, team: TeamOnCallPlan, policyKind: string, at: Date): string[] {
  const policy = team.policies.find((candidate) => candidate.kind === policyKind);
  if (!policy) return ["      no escalation policy"];
  let elapsed = 0;
  const lines = policy.levels.map((level, i) => {
    const targets = level.targets.map((target) => {
      if (target.kind === "user") return target.email;
      const scheduleTeam = onCall.teams.find((candidate) => candidate.team === target.team);
      const now = scheduleTeam ? onCallAt(onCall, scheduleTeam, at) : {};
      const who = now.email
        ? `${now.name ?? now.email} <${now.email}>`
        : "nobody on call now, so it escalates at once";
      return `${target.team} rotation (${who})`;
    });
    const line = `      L${i + 1} at ${elapsed} min: ${targets.join(" + ")}`;
    elapsed += level.delayMinutes;
    return line;
  });
  return [
    `    escalation "${policy.name}":`,
    ...lines,
    `      repeats ${policy.numLoops} more time(s) if nobody acknowledges`,
  ];
}

/** Where an alert with a bridge `source` comes from, and whether the stack declares it (and so the matrix lists it). */
function bridgeOrigin(plan: AlertingPlan, labels: LabelSet): string | undefined {
  const source = labels[LABEL.source];
  if (!source || !(BRIDGE_SOURCES as readonly string[]).includes(source)) return undefined;
  if (!plan.bridge) return `from ${source} through the bridge, which this stack does not deploy`;
  const declared = plan.bridge.alerts.find(
    (alert) => alert.source === source && alert.alertname === labels[LABEL.alertName],
  );
  return declared
    ? `from ${source} through the bridge; declared in bridge.${source === "webhook" ? "webhooks" : source} for ${declared.vertical}, so the routing matrix lists it`
    : `from ${source} through the bridge; not declared in the stack config's bridge section, so the routing matrix does not list it`;
}

const alertName = (labels: LabelSet): string => labels.alertname ?? JSON.stringify(labels);

export function describeRouting(
  plan: AlertingPlan,
  config: AmConfig,
  given: readonly LabelSet[],
  at: Date,
  customerTiers: ReadonlyMap<string, string> = new Map(),
): string {
  for (const [customer, tier] of customerTiers) {
    if (!plan.tiers.includes(tier)) {
      throw new UsageError(
        `--customer-tier ${customer}=${tier}: "${tier}" is not a tier (tiers: ${plan.tiers.join(", ")})`,
      );
    }
  }
  const tiered = given.map((labels) => routedTier(plan, labels, customerTiers));
  const alerts = tiered.map((entry) => entry.labels);
  const router = createRouter(config);
  const zones = [...new Set(["UTC", ...plan.timeIntervals.map((interval) => interval.hours.timeZone)])];
  const receivers = new Map(plan.receivers.map((receiver) => [receiver.name, receiver]));
  const out: string[] = [`At ${describeTime(at, zones)}`];
  const notifying: string[] = [];
  const heldBack: string[] = [];
  for (const labels of alerts) {
    out.push(
      "",
      `Alert ${Object.entries(labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(" ")}`,
    );
    out.push(`  ${tiered[alerts.indexOf(labels)].why}`);
    const origin = bridgeOrigin(plan, labels);
    if (origin) out.push(`  ${origin}`);
    const inhibitor =
      alerts.length > 1
        ? inhibitingAlert(
            config,
            alerts.filter((other) => other !== labels),
            labels,
          )
        : undefined;
    if (inhibitor) {
      out.push(`  HELD BACK by ${alertName(inhibitor)}: nobody is notified while it fires`);
      heldBack.push(`${alertName(labels)} (by ${alertName(inhibitor)})`);
    } else notifying.push(alertName(labels));
    for (const node of router.match(labels)) {
      out.push("  route:", ...chain(node).map((line) => `    ${line}`));
      const status = routeStatusAt(config, node, at);
      const state = status.active
        ? "notifies now"
        : status.mutedBy
          ? `muted now by ${status.mutedBy}`
          : `silent now: active only in ${status.inactiveOutside?.join(", ")}`;
      out.push(`  receiver ${node.receiver}: ${inhibitor ? "held back" : state}`);
      const receiver = receivers.get(node.receiver);
      if (!receiver) continue;
      if (inhibitor || !status.active) out.push("    (nobody is told now; when it notifies, it reaches:)");
      if (receiver.pagerduty) {
        const team = plan.onCall.teams.find((candidate) => candidate.team === receiver.team);
        const service = team?.services.find(
          (candidate) => candidate.receiver === receiver.pagerduty?.service,
        );
        if (team && service) {
          out.push(
            `    PagerDuty service "${service.name}", urgency ${urgencyAt(service, team, at)} at this time`,
          );
          out.push(...escalationText(plan.onCall, team, service.policy, at));
        }
      }
      if (receiver.slack) out.push(`    Slack ${receiver.slack.channel}`);
      if (receiver.email) out.push(`    e-mail ${receiver.email.to}`);
      if (receiver.heartbeat) out.push(`    heartbeat ${receiver.heartbeat.url}`);
      if (!receiver.pagerduty && !receiver.slack && !receiver.email && !receiver.heartbeat) {
        out.push("    nothing: recorded in Alertmanager only");
      }
    }
  }
  if (alerts.length > 1) {
    out.push(
      "",
      `Together: ${notifying.length} notify (${notifying.join(", ") || "none"}), ${heldBack.length} held back (${heldBack.join(", ") || "none"}).`,
    );
  }
  out.push(
    "",
    "Who is on call follows each rotation as this stack declares it; overrides made in PagerDuty are not known offline.",
  );
  return `${out.join("\n")}\n`;
}

function main(): void {
  try {
    const options = parseRouteArgs(process.argv.slice(2));
    const stackFile = readStackFile(stackFilePath(options.stack));
    const { plan, alertmanager } = compileRouting({
      stack: options.stack,
      stackFile: stackFile.file,
      config: stackFile.values,
    });
    const config = alertmanager.config;
    process.stdout.write(describeRouting(plan, config, options.alerts, options.at, options.customerTiers));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`route: ${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    if (error instanceof ValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

if (require.main === module) main();
