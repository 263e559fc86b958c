// The stack config schema: what `Pulumi.<stack>.yaml` holds under `agent-alert-routing:`.
import { z } from "zod";
import { ALERT_TYPES, isReplicaLabel, KEBAB_NAME, PROMETHEUS_NAME, WEEKDAYS } from "../core/conventions";
import { durationProblem, parseDuration } from "../core/duration";
import { timeZoneProblem } from "./timeZones";

const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const SLACK_CHANNEL = /^#[a-z0-9][a-z0-9._-]{0,79}$/;

// Building a formatter to ask costs milliseconds, and every member, rotation and tier names a zone.
const zoneProblems = new Map<string, string | undefined>();

function cachedZoneProblem(zone: string): string | undefined {
  if (!zoneProblems.has(zone)) zoneProblems.set(zone, timeZoneProblem(zone));
  return zoneProblems.get(zone);
}

/** An http or https URL with a host. Go reads `http:host` as a URL without one, so the slashes are required. */
function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text)) return false;
  try {
    return new URL(text).hostname !== "";
  } catch {
    return false;
  }
}

const id = z.string().regex(KEBAB_NAME, "must be lower-case kebab-case, like ai-eng");
const email = z.string().regex(EMAIL, "is not an e-mail address");
/** A zone both Alertmanager and PagerDuty take (input/timeZones.ts); the message names which does not. */
const timeZone = z.string().superRefine((zone, context) => {
  const problem = cachedZoneProblem(zone);
  if (problem) context.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});
const duration = z.string().superRefine((text, context) => {
  const problem = durationProblem(text);
  if (problem) context.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});
/** Alertmanager refuses a zero group_interval or repeat_interval. */
const replicaMessage =
  "names a label that tells HA replicas apart: each replica's copy of an alert would form its own group and page on its own";

const interval = duration.refine((text) => (parseDuration(text) ?? 1) > 0, "must be more than 0 (e.g. 5m)");
/**
 * Alertmanager reads only http and https URLs with a host (a `javascript:` or `file:` URL is refused
 * when it loads its config); the Slack client and a runbook link are no different.
 */
const httpUrl = z
  .string()
  .refine(isHttpUrl, "must be an http or https URL with a host (like https://host.example/path)");

const clock = z.string().regex(CLOCK, "is not a time of day in 24-hour HH:MM form");
const weekday = z.enum(WEEKDAYS);

const member = z
  .object({
    name: z.string().min(1),
    email,
    timeZone,
    /**
     * true: the PagerDuty user exists and is looked up by e-mail; false: the stack creates them.
     * Absent: as `pagerduty.createUsers` says, looked up by default.
     */
    existing: z.boolean().optional(),
  })
  .strict();

const team = z
  .object({
    id,
    name: z.string().min(1),
    /** The team's mailbox, which e-mail receivers notify. */
    email,
    slackChannel: z.string().regex(SLACK_CHANNEL, "is not a Slack channel name (use e.g. #oncall-platform)"),
    members: z.array(member).min(1, "needs at least one member"),
    rotation: z
      .object({
        turnLengthDays: z.number().int().min(1).max(28).default(7),
        handoffDay: weekday.default("monday"),
        handoffTime: clock.default("09:00"),
        /** Zone of the hand-off time for a 24x7 rotation; defaults to the first member's. */
        timeZone: timeZone.optional(),
      })
      .strict()
      .default({}),
    escalation: z
      .object({
        /** Minutes before an unacknowledged incident reaches the next level. */
        delayMinutes: z.number().int().min(1).max(240).default(15),
        /** How many times the whole policy repeats before it stops. */
        loops: z.number().int().min(0).max(9).default(2),
        /** E-mail addresses of the responders at level 2. */
        secondary: z.array(email).default([]),
      })
      .strict()
      .default({}),
  })
  .strict();

const routing = z
  .object({
    infraTeam: id,
    modelTeam: id,
    /** Owner of a tool that `toolOwners` does not name. */
    toolFallbackTeam: id,
    /** Where SEV1 escalation ends, in verticals that ask for it. */
    executiveTeam: id,
    heartbeatTeam: id,
    /** Receives whatever no route matches, so nothing is dropped silently. */
    catchAllTeam: id,
  })
  .strict();

const tier = z.discriminatedUnion("coverage", [
  z.object({ coverage: z.literal("24x7") }).strict(),
  z
    .object({
      coverage: z.literal("business-hours"),
      timeZone,
      days: z.array(weekday).min(1, "needs at least one day"),
      start: clock,
      end: clock,
    })
    .strict(),
  z.object({ coverage: z.literal("email-only") }).strict(),
]);

const vertical = z
  .object({
    id,
    /**
     * The tiers this vertical sells. A customer's own tier comes from the customer info series; an
     * alert without a tier (an outage that hits everyone) takes the strictest of these.
     */
    tiers: z.array(id).min(1, "needs at least one tier this vertical sells"),
    /** Replaced by `tiers`; kept in the schema only so that validation can say so (input/checks/config.ts). */
    defaultTier: z.unknown().optional(),
    namespace: id,
    /** SEV1 (`priority: P1`) alerts escalate to the executive team. */
    sev1EscalatesToExec: z.boolean().default(false),
    /** The alert catalogue, relative to the project root. */
    catalogue: z.string().min(1),
  })
  .strict();

const timing = z
  .object({
    groupWait: duration,
    groupInterval: interval,
    repeatInterval: interval,
  })
  .strict();

const alertmanager = z
  .object({
    resolveTimeout: duration.default("3m"),
    groupBy: z
      .array(
        z
          .string()
          .regex(PROMETHEUS_NAME, "is not a label name")
          .refine((name) => !isReplicaLabel(name), replicaMessage),
      )
      .default(["alertname", "vertical"]),
    timings: z
      .object({ critical: timing, warning: timing })
      .strict()
      .default({
        critical: { groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" },
        warning: { groupWait: "1m", groupInterval: "10m", repeatInterval: "12h" },
      }),
    /** Cost spikes under the paging ratio are batched hourly. */
    costSpike: timing.default({ groupWait: "1h", groupInterval: "1h", repeatInterval: "24h" }),
    heartbeat: z
      .object({
        /** The dead man's switch endpoint; its token is the secret `heartbeatToken`, sent as a bearer token. */
        url: httpUrl,
        repeatInterval: interval.default("1m"),
      })
      .strict(),
    /** Overrides PagerDuty's Events API URL (tests point it at a stand-in). */
    pagerdutyUrl: httpUrl.optional(),
    /**
     * Where the runbooks of the alerts about the alerting live: each links
     * `<url>/alerting/<alert in kebab-case>`. Without it they link none.
     */
    alertingRunbookBaseUrl: httpUrl.optional(),
  })
  .strict();

const emailSettings = z
  .object({
    from: email,
    smarthost: z
      .string()
      // A user in it is allowed here so that the credentials check refuses it without echoing it.
      .regex(/^(?:[^\s@]*@)?[^\s:@]+:\d+$/, "must be host:port"),
    authUsername: z.string().min(1),
    requireTls: z.boolean().default(true),
  })
  .strict();

const pagerduty = z
  .object({
    /**
     * Protect services, escalation policies and schedules from deletion: deleting a service
     * deletes its incident history. Set in production; leave staging disposable.
     */
    protect: z.boolean().default(false),
    /**
     * Create the PagerDuty users of the members without `existing`, rather than look them up by
     * e-mail. Off by default: in an account already in use, everyone exists, and creating a user
     * whose e-mail PagerDuty knows fails the first `pulumi up`.
     */
    createUsers: z.boolean().default(false),
    /** Prefix of every PagerDuty display name; defaults to `[<stack>] ` so stacks never collide. */
    namePrefix: z.string().optional(),
    /** PagerDuty resolves an incident Alertmanager never resolved (a lost resolve) after this. */
    autoResolveTimeoutMinutes: z.number().int().min(1).max(1440).default(240),
    /** An acknowledged incident that nobody resolves triggers again after this. */
    acknowledgementTimeoutMinutes: z.number().int().min(1).max(1440).default(30),
    /** A SEV1 incident reaches the executive team at most this long after it triggers. */
    sev1ExecutiveWithinMinutes: z.number().int().min(2).max(240).default(30),
    /**
     * Each service folds the alerts that reach it within this window of its incident's first alert
     * into that incident; absent, every alert opens its own. Needs a PagerDuty plan with alert
     * grouping. PagerDuty's 0 ("until the incident resolves") is refused: a new alert would join an
     * incident acknowledged hours ago and page nobody.
     */
    alertGrouping: z
      .object({
        windowMinutes: z
          .number()
          .int()
          .min(1, "the shortest window is 1 minute; 0 (group until the incident resolves) is not offered")
          .max(1440, "the longest window PagerDuty offers is 1440 minutes (24 hours)"),
      })
      .strict()
      .optional(),
    /** With a workspace id, each team's services post incident updates to its Slack channel. */
    slackWorkspaceId: z
      .string()
      .regex(/^T[A-Z0-9]+$/, "is not a Slack workspace id (like T0123ABCD)")
      .optional(),
  })
  .strict()
  .default({});

const slack = z
  .object({
    /** Overrides the Slack Web API URL (tests point it at a stand-in). */
    apiUrl: httpUrl.optional(),
  })
  .strict()
  .default({});

const labelMap = z.record(z.string().min(1), z.string());

const kubernetes = z
  .object({
    /**
     * How rules and the Alertmanager config reach the cluster: ConfigMaps for a plain Prometheus,
     * PrometheusRule objects and a config Secret for the Prometheus Operator, or both.
     */
    mode: z.enum(["configmap", "operator", "both"]).default("configmap"),
    namespace: id.default("monitoring"),
    /** The namespace exists already: adopt it into the stack (and leave it on destroy) instead of creating it. */
    namespaceExists: z.boolean().default(false),
    /** Path of the kubeconfig file; the provider's ambient kubeconfig when absent. */
    kubeconfigPath: z.string().min(1).optional(),
    /** Context in the kubeconfig; its current context when absent. */
    context: z.string().min(1).optional(),
    /**
     * Where the Alertmanager pod mounts the key-file Secret; the config refers to files under it.
     * Defaults to /etc/alertmanager/secrets, or, in operator mode, where the operator mounts
     * `spec.secrets`: /etc/alertmanager/secrets/<Secret name>.
     */
    secretMountPath: z
      .string()
      .regex(/^\/[^\s]*[^/\s]$/, "must be an absolute path without a trailing slash")
      .optional(),
    /** Labels the Prometheus rule selector needs; kube-prometheus-stack ignores rules without its release label. */
    ruleSelectorLabels: labelMap.default({ release: "kube-prometheus-stack" }),
    /** Rule data per ConfigMap or PrometheusRule, well under Kubernetes' 1 MiB object limit. */
    shardBudgetKiB: z.number().int().min(16).max(900).default(512),
  })
  .strict()
  .default({});

/**
 * Where a customer's tier comes from: billing exports one info series per customer and vertical,
 * `callsphere_customer_info{customer, vertical, tier} 1`. A per-customer alert joins it on the
 * customer and vertical to take the customer's tier.
 */
const customers = z
  .object({
    infoMetric: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "is not a metric name")
      .default("callsphere_customer_info"),
    // Routes group by the customer label, so a replica label there would split HA copies too.
    customerLabel: z
      .string()
      .regex(PROMETHEUS_NAME, "is not a label name")
      .refine((name) => !isReplicaLabel(name), replicaMessage)
      .default("customer"),
    verticalLabel: z.string().regex(PROMETHEUS_NAME, "is not a label name").default("vertical"),
    tierLabel: z.string().regex(PROMETHEUS_NAME, "is not a label name").default("tier"),
    /** How long the info series may be absent before the platform team is told that tiers are unknown. */
    absentFor: duration.default("10m"),
  })
  .strict()
  .default({});

const labelName = z.string().regex(PROMETHEUS_NAME, "is not a label name");
/** Labels a mapping adds to or overrides on its alerts; the routing labels are the bridge's to set. */
const labelOverrides = z.record(labelName, z.string().min(1)).default({});

/** An alert a tool can send, declared so that the routing matrix and the policies see it. */
const bridgeAlert = z
  .object({
    /** The alert's name in the tool (a Langfuse alert's or LangSmith alert rule's name). */
    name: z.string().min(1),
    /** The `alertname` it reaches Alertmanager with: CamelCase, with the vertical's prefix. */
    alertname: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, "must be CamelCase, like HealthcareHallucinationRate"),
    alert_type: z.enum(ALERT_TYPES).default("model"),
    tool_name: z
      .string()
      .regex(/^[a-z][a-z0-9_-]*$/, "is not a tool name")
      .optional(),
    labels: labelOverrides,
  })
  .strict();

const bridgeProject = z
  .object({
    /** The project's id in the tool (Langfuse) or its name (LangSmith). */
    project: z.string().min(1),
    vertical: id,
    labels: labelOverrides,
    alerts: z.array(bridgeAlert).default([]),
  })
  .strict();

/** A dotted path into the tool's JSON, like `alert.name` or `items[0].state`. */
const jsonPath = z
  .string()
  .regex(/^[A-Za-z_$][\w$-]*(\[\d+\])*(\.[A-Za-z_$][\w$-]*(\[\d+\])*)*$/, "is not a path like alert.name");

const bridgeWebhook = bridgeProject
  .omit({ project: true })
  .extend({
    /** The webhook's path: `POST /webhooks/<name>`. */
    name: id,
    paths: z
      .object({
        alertname: jsonPath,
        severity: jsonPath.optional(),
        status: jsonPath.optional(),
        customer: jsonPath.optional(),
        summary: jsonPath.optional(),
      })
      .strict(),
    severities: z.record(z.string().min(1), z.enum(["critical", "warning"])).default({}),
    resolvedValues: z.array(z.string().min(1)).default(["resolved", "ok", "OK"]),
  })
  .strict();

/**
 * The bridge that brings alerts of LLM-observability tools into Alertmanager's API (bridge/,
 * docs/bridge.md). Its webhook secret is the Pulumi secret `bridgeWebhookSecret`.
 */
const bridge = z
  .object({
    /** Defaults to ghcr.io/callsphere/agent-alert-routing-bridge:<the package's version>. */
    image: z
      .string()
      .regex(/^[^\s]+$/, "is not an image reference")
      .optional(),
    replicas: z.number().int().min(1).max(10).default(2),
    /** Every Alertmanager replica, each of which receives every alert. */
    alertmanagerUrls: z.array(httpUrl).min(1).default(["http://alertmanager-operated:9093"]),
    /** How often active alerts are posted again; under alertmanager.resolveTimeout. */
    resendInterval: interval.default("1m"),
    /** An alert whose tool never sends its recovery resolves after this. */
    maxAlertAge: interval.default("2h"),
    bodyLimitKiB: z.number().int().min(1).max(1024).default(64),
    langfuse: z.array(bridgeProject).default([]),
    langsmith: z.array(bridgeProject).default([]),
    webhooks: z.array(bridgeWebhook).default([]),
  })
  .strict();

export const stackConfigSchema = z
  .object({
    teams: z.array(team).min(1),
    routing,
    toolOwners: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, "is not a tool name"), id).default({}),
    tiers: z.record(id, tier),
    verticals: z.array(vertical).min(1),
    customers,
    alertmanager,
    email: emailSettings,
    pagerduty,
    slack,
    kubernetes,
    bridge: bridge.optional(),
  })
  .strict();

export type BridgeConfig = z.infer<typeof bridge>;
export type StackConfig = z.infer<typeof stackConfigSchema>;
export type TeamConfig = StackConfig["teams"][number];
export type TierConfig = StackConfig["tiers"][string];
export type VerticalConfig = StackConfig["verticals"][number];
export type Timing = z.infer<typeof timing>;
export type CustomersConfig = StackConfig["customers"];
