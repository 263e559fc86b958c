// Who an alert reaches, decided by the routing evaluator over the declared Alertmanager config:
// model alerts never reach platform, infra never AI engineering, tool alerts their tool's owner,
// and every alert exactly one team, never the catch-all.
import { createRouter } from "../alertmanager/evaluate";
import { LABEL } from "../core/conventions";
import { ownerOf } from "../core/ownership";
import { OWNER_DEFAULTS, OWNER_SCHEMA, type OwnerConfig, ownersOf } from "./owners";
import { alertSubject, type Report, stackPolicy } from "./policy";
import { type DeclaredAlert, receiverTeam, type StackView } from "./view";

type RoutedAlert = { alert: DeclaredAlert; teams: Set<string>; receivers: string[] };

// Four policies ask where the same alerts go: route them once per view.
const routed = new WeakMap<StackView, RoutedAlert[]>();

/** Each routable alert with the teams its receivers belong to. */
function routedAlerts(view: StackView, report: Report): RoutedAlert[] {
  if (!view.alertmanager) {
    report("No Alertmanager config is declared, so no alert can be routed.");
    return [];
  }
  const known = routed.get(view);
  if (known) return known;
  const router = createRouter(view.alertmanager.config);
  // The bridge's alerts are routed like the rules': a model alert from Langfuse reaches AI engineering too.
  const alerts = [...view.alerts, ...view.bridgeAlerts]
    .filter((alert) => alert.rule.labels?.[LABEL.severity] !== "info")
    .map((alert) => {
      const receivers = router.receivers({ ...alert.rule.labels, alertname: alert.rule.alert });
      return { alert, receivers, teams: new Set(receivers.map(receiverTeam)) };
    });
  routed.set(view, alerts);
  return alerts;
}

export const modelAlertsAvoidPlatformPolicy = stackPolicy<OwnerConfig>({
  name: "model-alerts-avoid-platform",
  description:
    "Model alerts never reach the platform team: the person paged must be able to fix a prompt or model.",
  enforcementLevel: "mandatory",
  defaults: OWNER_DEFAULTS,
  configSchema: OWNER_SCHEMA,
  check(view, config, report) {
    for (const { alert, teams } of routedAlerts(view, report)) {
      if (alert.rule.labels?.[LABEL.alertType] === "model" && teams.has(config.infraTeam)) {
        report(
          `Model alert ${alert.rule.alert} in ${alert.vertical} reaches the ${config.infraTeam} team.`,
          alert.resource.urn,
          alertSubject(alert),
        );
      }
    }
  },
});

export const infraAlertsAvoidAiEngPolicy = stackPolicy<OwnerConfig>({
  name: "infra-alerts-avoid-ai-engineering",
  description: "Infra alerts never reach AI engineering: Redis being down is not a prompt problem.",
  enforcementLevel: "mandatory",
  defaults: OWNER_DEFAULTS,
  configSchema: OWNER_SCHEMA,
  check(view, config, report) {
    for (const { alert, teams } of routedAlerts(view, report)) {
      if (alert.rule.labels?.[LABEL.alertType] === "infra" && teams.has(config.modelTeam)) {
        report(
          `Infra alert ${alert.rule.alert} in ${alert.vertical} reaches the ${config.modelTeam} team.`,
          alert.resource.urn,
          alertSubject(alert),
        );
      }
    }
  },
});

export const toolAlertsReachOwnerPolicy = stackPolicy<OwnerConfig>({
  name: "tool-alerts-reach-owner",
  description: "Tool alerts reach the owner of their tool_name, or the fallback owner for an unowned tool.",
  enforcementLevel: "mandatory",
  defaults: OWNER_DEFAULTS,
  configSchema: OWNER_SCHEMA,
  check(view, config, report) {
    for (const { alert, teams } of routedAlerts(view, report)) {
      const labels = alert.rule.labels ?? {};
      if (labels[LABEL.alertType] !== "tool") continue;
      const tool = labels[LABEL.toolName] ?? "";
      const owner = ownerOf(ownersOf(config), "tool", tool);
      if (teams.size !== 1 || !teams.has(owner)) {
        report(
          `Tool alert ${alert.rule.alert} (tool ${tool}) reaches ${[...teams].join(", ") || "nobody"}, not its owner ${owner}.`,
          alert.resource.urn,
          alertSubject(alert),
        );
      }
    }
  },
});

export const oneTeamPerAlertPolicy = stackPolicy<{ catchAllReceiver: string }>({
  name: "one-team-per-alert",
  description:
    "Every alert reaches exactly one team and none falls to the catch-all, so nobody is paged twice and nothing is lost.",
  enforcementLevel: "mandatory",
  defaults: { catchAllReceiver: "" },
  configSchema: { catchAllReceiver: { type: "string" } },
  check(view, config, report) {
    const catchAll = config.catchAllReceiver || view.alertmanager?.config.route.receiver;
    for (const { alert, teams, receivers } of routedAlerts(view, report)) {
      if (receivers.includes(catchAll ?? "")) {
        report(
          `Alert ${alert.rule.alert} in ${alert.vertical} falls to the catch-all receiver ${catchAll}.`,
          alert.resource.urn,
          alertSubject(alert),
        );
      } else if (teams.size !== 1) {
        report(
          `Alert ${alert.rule.alert} in ${alert.vertical} reaches ${teams.size} teams: ${[...teams].join(", ")}.`,
          alert.resource.urn,
          alertSubject(alert),
        );
      }
    }
  },
});
