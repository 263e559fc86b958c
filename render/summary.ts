// A readable summary for reviewers: verticals, teams, receivers, and who gets which alert.

import { createRouter } from "../alertmanager/evaluate";
import type { AmConfig } from "../alertmanager/types";
import { ALERTING_RULE_FILE } from "../core/conventions";
import { alertsOf } from "../core/rules";
import type { AlertingModel } from "../input/model";
import { setCommand } from "../input/secrets";
import { firstUpNeeds } from "../plan/firstUp";
import type { AlertingPlan, ReceiverPlan, SecretFilePlan } from "../plan/plan";

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function notifies(receiver: ReceiverPlan): string {
  const parts: string[] = [];
  if (receiver.pagerduty) parts.push(`PagerDuty service \`${receiver.pagerduty.service}\``);
  if (receiver.slack) parts.push(`Slack ${receiver.slack.channel}`);
  if (receiver.email) parts.push(`e-mail ${receiver.email.to}`);
  if (receiver.heartbeat) parts.push(`heartbeat ${receiver.heartbeat.url}`);
  return parts.length > 0 ? parts.join(", ") : "nothing (recorded in Alertmanager only)";
}

function coverageText(model: AlertingModel, tier: string): string {
  const coverage = model.tiers.get(tier);
  if (!coverage) return "unknown tier";
  if (coverage.coverage === "24x7") return "pages at any hour";
  if (coverage.coverage === "email-only") return "e-mail only";
  const days = coverage.days.map((day) => day.slice(0, 3)).join(",");
  return `pages ${days} ${coverage.start}–${coverage.end} ${coverage.timeZone}; Slack and e-mail outside`;
}

function secretSource(file: SecretFilePlan): string {
  if (file.source === "integration")
    return `the Events API v2 integration key of PagerDuty service \`${file.receiver}\``;
  const { configKey, field } = file.secret;
  return `secret config \`${configKey}${field ? `.${field}` : ""}\``;
}

function onCallSection(plan: AlertingPlan): string {
  const teamRows = plan.onCall.teams.map((team) => {
    const coverage =
      team.coverage.kind === "business-hours"
        ? `business hours (${team.coverage.tiers.join(", ")})`
        : team.coverage.kind;
    const schedule = team.schedule
      ? `${team.schedule.timeZone}, ${team.schedule.layers.map((layer) => `${layer.users.length} users, ${layer.rotationTurnLengthSeconds / 86400}-day turns from ${layer.rotationVirtualStart}`).join("; ")}`
      : "none (e-mail only)";
    return [
      team.team,
      coverage,
      schedule,
      team.services.map((service) => `\`${service.receiver}\``).join(", ") || "none",
    ];
  });
  const policyRows = plan.onCall.teams.flatMap((team) =>
    team.policies.map((policy) => [
      policy.name,
      policy.levels
        .map((level, i) => {
          const targets = level.targets.map((target) =>
            target.kind === "schedule" ? `${target.team} on-call` : target.email,
          );
          return `L${i + 1} ${targets.join(" + ")} (${level.delayMinutes} min)`;
        })
        .join(" → "),
      String(policy.numLoops),
    ]),
  );
  const serviceRows = plan.onCall.teams.flatMap((team) =>
    team.services.map((service) => [
      service.name,
      service.policy,
      service.urgency.kind === "constant"
        ? `always ${service.urgency.urgency}`
        : `high ${service.urgency.supportHours.startTime}–${service.urgency.supportHours.endTime} ${service.urgency.supportHours.timeZone} days ${service.urgency.supportHours.daysOfWeeks.join(",")}, low outside`,
      `${service.autoResolveTimeoutSeconds / 60} min`,
      `${service.acknowledgementTimeoutSeconds / 60} min`,
      service.alertGrouping ? `within ${service.alertGrouping.timeoutMinutes} min` : "off",
    ]),
  );
  const serviceNames = new Map(
    plan.onCall.teams.flatMap((team) => team.services.map((service) => [service.receiver, service.name])),
  );
  const businessRows = plan.onCall.businessServices.map((business) => [
    business.vertical,
    business.name,
    business.supporting.map(({ service }) => serviceNames.get(service) ?? service).join(", ") ||
      "nothing: no alert of it pages",
  ]);
  return [
    "## On call",
    "",
    table(["team", "coverage", "rotation", "services"], teamRows),
    "",
    table(["escalation policy", "levels", "loops"], policyRows),
    "",
    table(["service", "policy", "urgency", "auto-resolve", "ack timeout", "alert grouping"], serviceRows),
    "",
    "Business services, one per vertical, each depending on the team services its alerts can page (a status page is fed from them):",
    "",
    table(["vertical", "business service", "depends on"], businessRows),
    "",
    `PagerDuty services, escalation policies and schedules are ${plan.onCall.protect ? "protected from deletion" : "not protected (disposable stack)"}.`,
    "",
  ].join("\n");
}

/** `config` is the plan's Alertmanager config, which says where each alert goes. */
/**
 * What the render cannot check and the first real `pulumi up` depends on: people PagerDuty must
 * already know, secrets the stack must hold, and the state of the namespace.
 */
function firstUpSection(plan: AlertingPlan): string {
  const needs = firstUpNeeds(plan);
  const lookedUp = needs.lookedUpUsers.map((email) => `- ${email}`);
  const secrets = needs.secrets.map(
    ({ configKey, field }) => `- \`${setCommand(configKey, field, plan.stack)}\``,
  );
  const services = needs.services.map(({ name }) => `- ${name}`);
  const groupsAlerts = plan.onCall.teams.some((team) =>
    team.services.some((service) => service.alertGrouping),
  );
  const { namespace, namespaceExists } = needs.kubernetes;
  return [
    "## What the first `pulumi up` depends on",
    "",
    "The render answers these with placeholders; a real account and cluster must answer them. `npm run preflight -- --stack " +
      plan.stack +
      "` checks them where it can.",
    "",
    "PagerDuty users looked up by e-mail, which must exist in the account:",
    "",
    ...(lookedUp.length > 0 ? lookedUp : ["- none: every user is created by the stack"]),
    "",
    "Secrets the stack must hold, besides the PagerDuty token (`pulumi config set --stack " +
      plan.stack +
      " --secret pagerduty:token <token>` or `PAGERDUTY_TOKEN`):",
    "",
    ...secrets,
    "",
    "PagerDuty services the stack creates, whose names no other service in the account may have:",
    "",
    ...(services.length > 0 ? services : ["- none"]),
    "",
    ...(groupsAlerts
      ? [
          "The services group alerts into incidents (`pagerduty.alertGrouping`), which the account's PagerDuty plan must offer.",
          "",
        ]
      : []),
    namespaceExists
      ? `The Kubernetes namespace \`${namespace}\` must already exist: the stack adopts it and leaves it on destroy.`
      : `The Kubernetes namespace \`${namespace}\` must not exist yet: the stack creates it (set \`kubernetes.namespaceExists: true\` to adopt one).`,
    "",
  ].join("\n");
}

export function renderSummary(model: AlertingModel, plan: AlertingPlan, config: AmConfig): string {
  const verticalRows = model.verticals.map((vertical) => {
    const alerts = alertsOf(vertical);
    const count = (type: string) => alerts.filter((alert) => alert.alertType === type).length;
    return [
      vertical.id,
      vertical.tiers.join(", "),
      vertical.strictestTier,
      vertical.namespace,
      vertical.sev1EscalatesToExec ? "yes" : "no",
      String(alerts.length),
      `${count("infra")} / ${count("model")} / ${count("tool")}`,
      vertical.catalogueFile,
    ];
  });
  const teamRows = model.config.teams.map((team) => [
    team.id,
    team.name,
    String(team.members.length),
    team.slackChannel,
    team.email,
  ]);
  const receiverRows = plan.receivers.map((receiver) => [
    `\`${receiver.name}\``,
    receiver.team,
    notifies(receiver),
  ]);
  const tierRows = [...model.tiers.keys()].map((tier) => [tier, coverageText(model, tier)]);
  // Where each alert goes is read off the rendered config by the routing evaluator, never re-decided.
  const router = createRouter(config);
  const strictestTiers = new Map(plan.verticalStrictestTiers.map(({ vertical, tier }) => [vertical, tier]));
  const perCustomer = new Set(
    model.verticals.flatMap((vertical) =>
      alertsOf(vertical).flatMap((alert) => (alert.scope === "customer" ? [alert.name] : [])),
    ),
  );
  const alertSections = plan.ruleFiles.map((file) => {
    const tier = strictestTiers.get(file.vertical) ?? "";
    const rows = file.groups
      .flatMap((group) => group.rules)
      .flatMap((rule) => (rule.alert ? [{ ...rule, alert: rule.alert, labels: rule.labels ?? {} }] : []))
      .map((rule) => [
        rule.alert,
        rule.labels.alert_type +
          (rule.labels.tool_name ? ` (${rule.labels.tool_name})` : "") +
          (perCustomer.has(rule.alert) ? ", per customer" : ""),
        rule.labels.severity + (rule.labels.priority ? ` ${rule.labels.priority}` : ""),
        rule.labels.team,
        router.receivers({ ...rule.labels, alertname: rule.alert }).join(", "),
      ]);
    const heading =
      file.vertical === ALERTING_RULE_FILE
        ? `### ${file.vertical} (the alerts about the alerting: the ${model.config.routing.infraTeam} team's, at its own coverage; tiers do not apply, and a PagerDuty failure reaches it by Slack and e-mail)`
        : `### ${file.vertical} (an alert without a tier takes ${tier}, the strictest it sells: ${coverageText(model, tier)})`;
    if (file.vertical === ALERTING_RULE_FILE)
      return `${heading}\n\n${table(["alert", "type", "severity", "team", "receivers"], rows)}`;
    const note =
      "A per-customer alert takes its customer's tier from the customer info series; the receivers shown are for an alert without a tier.";
    return `${heading}\n\n${note}\n\n${table(["alert", "type", "severity", "team", "receivers (without a tier)"], rows)}`;
  });
  return [
    `# agent-alert-routing: stack \`${model.stack}\``,
    "",
    "## Verticals",
    "",
    table(
      [
        "vertical",
        "tiers sold",
        "strictest tier",
        "namespace",
        "SEV1 to exec",
        "alerts",
        "infra / model / tool",
        "catalogue",
      ],
      verticalRows,
    ),
    "",
    "## Tiers",
    "",
    table(["tier", "coverage"], tierRows),
    "",
    "## Teams",
    "",
    table(["team", "name", "members", "Slack", "e-mail"], teamRows),
    "",
    "## Receivers",
    "",
    table(["receiver", "team", "notifies"], receiverRows),
    "",
    onCallSection(plan),
    "## Who gets which alert",
    "",
    ...alertSections.flatMap((section) => [section, ""]),
    "## Secret files",
    "",
    `Mounted from the Kubernetes Secret at \`${plan.secretMountPath}\`; values are Pulumi secrets and are never rendered.`,
    "",
    ...plan.secretFiles.map((file) => `- \`${file.file}\` ← ${secretSource(file)}`),
    "",
    firstUpSection(plan),
  ].join("\n");
}
