// Alert labels: every declared alert carries what routing needs, with allowed values.
import { ALERT_TYPES, LABEL, SEVERITIES, SEVERITY_ALIASES } from "../core/conventions";
import { stackPolicy } from "./policy";

export const alertLabelsPolicy = stackPolicy({
  name: "alert-routing-labels",
  description:
    "Every alert carries alert_type, severity, vertical and team with allowed values, and tool_name on tool alerts.",
  enforcementLevel: "mandatory",
  defaults: {
    alertTypes: [...ALERT_TYPES] as string[],
    severities: [...SEVERITIES, ...Object.keys(SEVERITY_ALIASES)],
  },
  configSchema: {
    alertTypes: { type: "array", items: { type: "string" } },
    severities: { type: "array", items: { type: "string" } },
  },
  check(view, config, report) {
    for (const { rule, vertical, resource } of view.alerts) {
      const labels = rule.labels ?? {};
      const problems: string[] = [];
      if (!config.alertTypes.includes(labels[LABEL.alertType] ?? ""))
        problems.push(`alert_type "${labels[LABEL.alertType] ?? ""}"`);
      if (!config.severities.includes(labels[LABEL.severity] ?? ""))
        problems.push(`severity "${labels[LABEL.severity] ?? ""}"`);
      if (labels[LABEL.vertical] !== vertical)
        problems.push(`vertical "${labels[LABEL.vertical] ?? ""}" (its object is for ${vertical})`);
      if (!labels[LABEL.team]) problems.push("no team");
      if (labels[LABEL.alertType] === "tool" && !labels[LABEL.toolName])
        problems.push("no tool_name on a tool alert");
      if (problems.length > 0)
        report(`Alert ${rule.alert} in ${vertical} has ${problems.join(", ")}.`, resource.urn);
    }
  },
});
