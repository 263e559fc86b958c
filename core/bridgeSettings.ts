// The bridge's settings file (`bridge.json`, in its ConfigMap): what the plan writes from the stack
// config and the bridge reads at start. One schema for both sides, so they cannot drift apart.
import { z } from "zod";
import { type BridgeSource, LABEL } from "./conventions";

const labels = z.record(z.string(), z.string());

/** One alert a tool can send, as it reaches Alertmanager: its name and the labels it routes by. */
const declaredAlert = z
  .object({
    alertname: z.string().min(1),
    /** `alert_type`, `team` and any override of the mapping's labels. */
    labels,
    /** The severities the tool can send it at, for the routing matrix and the policies. */
    severities: z.array(z.enum(["critical", "warning"])).min(1),
  })
  .strict();

/** A Langfuse or LangSmith project: the labels of its vertical, and its declared alerts by their name in the tool. */
const projectMapping = z
  .object({
    /** `vertical`, `source`, the default `alert_type` and `team`, and the stack's overrides. */
    labels,
    /** Prefix of the alert name of an undeclared alert: the vertical's (`Healthcare`). */
    alertnamePrefix: z.string(),
    alerts: z.record(z.string(), declaredAlert),
  })
  .strict();

/** Any other tool: where its JSON holds each field, and how its values read. */
const webhookMapping = projectMapping
  .extend({
    paths: z
      .object({
        alertname: z.string().min(1),
        severity: z.string().min(1).optional(),
        status: z.string().min(1).optional(),
        customer: z.string().min(1).optional(),
        summary: z.string().min(1).optional(),
      })
      .strict(),
    /** The tool's severity values → ours (`critical`, `warning`); absent, critical. */
    severities: z.record(z.string(), z.enum(["critical", "warning"])),
    /** Values of `status` that mean the alert recovered. */
    resolvedValues: z.array(z.string()),
  })
  .strict();

export const bridgeSettingsSchema = z
  .object({
    /** Every Alertmanager replica: the bridge posts each alert to each, as Prometheus does. */
    alertmanagerUrls: z.array(z.string().url()).min(1),
    /** Active alerts are posted again this often, well inside Alertmanager's resolve_timeout. */
    resendIntervalSeconds: z.number().positive(),
    /** An alert never recovered by its tool stops being re-sent and resolves after this. */
    maxAlertAgeSeconds: z.number().positive(),
    bodyLimitBytes: z.number().int().positive(),
    langfuse: z.record(z.string(), projectMapping),
    langsmith: z.record(z.string(), projectMapping),
    webhooks: z.record(z.string(), webhookMapping),
  })
  .strict();

export type BridgeSettings = z.infer<typeof bridgeSettingsSchema>;
export type ProjectMapping = z.infer<typeof projectMapping>;
export type WebhookMapping = z.infer<typeof webhookMapping>;

/** An alert that can come through the bridge, with every label it reaches Alertmanager with. */
export interface BridgeAlert {
  source: BridgeSource;
  vertical: string;
  alertname: string;
  severity: "critical" | "warning";
  labels: Record<string, string>;
}

/** Every declared alert at every severity it can arrive at: what the matrix shows and the policies route. */
export function declaredAlerts(settings: BridgeSettings): BridgeAlert[] {
  const sources: [BridgeSource, Record<string, ProjectMapping>][] = [
    ["langfuse", settings.langfuse],
    ["langsmith", settings.langsmith],
    ["webhook", settings.webhooks],
  ];
  return sources.flatMap(([source, mappings]) =>
    Object.values(mappings).flatMap((mapping) =>
      Object.values(mapping.alerts).flatMap((alert) =>
        alert.severities.map((severity) => ({
          source,
          vertical: mapping.labels[LABEL.vertical] ?? "",
          alertname: alert.alertname,
          severity,
          labels: {
            ...mapping.labels,
            ...alert.labels,
            [LABEL.alertName]: alert.alertname,
            [LABEL.severity]: severity,
          },
        })),
      ),
    ),
  );
}
