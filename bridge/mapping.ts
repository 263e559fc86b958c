// From a tool's payload to the alert Alertmanager receives: the mapping's labels (vertical, source,
// alert_type, team), the declared alert's name and labels, severity from the payload, `customer`
// where the payload names one, and the annotations a responder reads. Pure: tested per tool.
import type { BridgeSettings, ProjectMapping, WebhookMapping } from "../core/bridgeSettings";
import { type BridgeSource, LABEL } from "../core/conventions";
import {
  type LangfusePayload,
  type LangsmithPayload,
  langfusePayload,
  langsmithPayload,
  problemOf,
  textAt,
} from "./payloads";

/** What a webhook means: an alert firing, an alert recovering, or nothing to do. */
export type Event =
  | {
      kind: "firing" | "resolved";
      labels: Record<string, string>;
      annotations: Record<string, string>;
      generatorURL?: string;
    }
  | { kind: "ignored"; reason: string };

/** A payload the bridge refuses, with the reason it answers in the 400. */
export class PayloadError extends Error {}

/** `Hallucination rate` → `HallucinationRate`, as an alert name part. */
function camelCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

/** The labels of an alert named `name` in the tool: a declared alert's, or the mapping's defaults. */
function identity(mapping: ProjectMapping, name: string): Record<string, string> {
  const declared = mapping.alerts[name];
  const alertname = declared?.alertname ?? `${mapping.alertnamePrefix}${camelCase(name)}`;
  return { ...mapping.labels, ...declared?.labels, [LABEL.alertName]: alertname };
}

const compact = (record: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(record).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "",
    ),
  );

/** Langfuse alerts carry their customer as a tag `customer:<id>`, the one place a Langfuse alert can name it. */
function customerTag(tags: readonly string[]): string | undefined {
  return tags.find((tag) => tag.startsWith("customer:"))?.slice("customer:".length) || undefined;
}

function unmapped(source: BridgeSource, project: string): PayloadError {
  return new PayloadError(
    `${source} project "${project}" is not mapped to a vertical in the stack config (bridge.${source})`,
  );
}

export function fromLangfuse(settings: BridgeSettings, body: unknown): Event {
  const parsed = langfusePayload.safeParse(body);
  if (!parsed.success) throw new PayloadError(`not a Langfuse alert webhook: ${problemOf(parsed.error)}`);
  const payload: LangfusePayload = parsed.data;
  const mapping = settings.langfuse[payload.projectId];
  if (!mapping) throw unmapped("langfuse", payload.projectId);
  const { alert } = payload;
  if (alert.severity === "NO_DATA") return { kind: "ignored", reason: "NO_DATA changes no alert" };
  const severity = alert.severity === "WARNING" ? "warning" : "critical";
  const threshold =
    severity === "warning" ? (alert.warningThreshold ?? alert.alertThreshold) : alert.alertThreshold;
  const labels = compact({
    ...identity(mapping, alert.name),
    [LABEL.severity]: severity,
    [LABEL.customer]: customerTag(alert.tags),
  });
  const condition = [alert.metric, alert.operator, threshold]
    .filter((part) => part !== undefined && part !== null)
    .join(" ");
  return {
    kind: alert.severity === "OK" ? "resolved" : "firing",
    labels,
    annotations: compact({
      summary: `Langfuse alert "${alert.name}" is ${alert.severity}${alert.value === undefined || alert.value === null ? "" : ` at ${alert.value}`}`,
      description: `Langfuse evaluated ${alert.metric ?? "the alert's metric"}${alert.window ? ` over ${alert.window}` : ""} in project ${payload.projectId}${condition ? `: alert when ${condition}` : ""}.`,
      metric: alert.metric,
      threshold: threshold === undefined || threshold === null ? undefined : String(threshold),
      value: alert.value === undefined || alert.value === null ? undefined : String(alert.value),
      source_url: alert.url,
    }),
    generatorURL: alert.url,
  };
}

/** LangSmith sends no recovery: its alerts resolve when the bridge stops re-sending them (maxAlertAge). */
export function fromLangsmith(settings: BridgeSettings, body: unknown): Event {
  const parsed = langsmithPayload.safeParse(body);
  if (!parsed.success) throw new PayloadError(`not a LangSmith alert webhook: ${problemOf(parsed.error)}`);
  const payload: LangsmithPayload = parsed.data;
  const mapping = settings.langsmith[payload.project_name];
  if (!mapping) throw unmapped("langsmith", payload.project_name);
  const value = payload.triggered_metric_value;
  const threshold = payload.triggered_threshold;
  return {
    kind: "firing",
    labels: { ...identity(mapping, payload.alert_rule_name), [LABEL.severity]: "critical" },
    annotations: compact({
      summary: `LangSmith alert "${payload.alert_rule_name}" crossed its threshold${value === undefined ? "" : ` at ${value}`}`,
      description: `LangSmith's ${payload.alert_rule_type ?? "threshold"} alert on ${payload.alert_rule_attribute ?? "its metric"} in project ${payload.project_name} triggered${threshold === undefined ? "" : ` (threshold ${threshold})`}.`,
      metric: payload.alert_rule_attribute,
      threshold: threshold === undefined ? undefined : String(threshold),
      value: value === undefined ? undefined : String(value),
      source_url: payload.project_url,
    }),
    generatorURL: payload.project_url,
  };
}

export function fromWebhook(mapping: WebhookMapping, body: unknown): Event {
  if (body === null || typeof body !== "object") throw new PayloadError("the body must be a JSON object");
  const name = textAt(body, mapping.paths.alertname);
  if (!name) throw new PayloadError(`${mapping.paths.alertname}: no alert name at this path`);
  const status = textAt(body, mapping.paths.status);
  const rawSeverity = textAt(body, mapping.paths.severity);
  const severity = rawSeverity === undefined ? "critical" : mapping.severities[rawSeverity];
  if (!severity && !(status !== undefined && mapping.resolvedValues.includes(status)))
    throw new PayloadError(
      `${mapping.paths.severity}: "${rawSeverity}" is not one of the mapped severities (${Object.keys(mapping.severities).join(", ") || "none"})`,
    );
  const summary = textAt(body, mapping.paths.summary);
  return {
    kind: status !== undefined && mapping.resolvedValues.includes(status) ? "resolved" : "firing",
    labels: compact({
      ...identity(mapping, name),
      [LABEL.severity]: severity ?? "critical",
      [LABEL.customer]: textAt(body, mapping.paths.customer),
    }),
    annotations: compact({ summary: summary ?? `${name} (webhook)`, description: summary }),
  };
}
