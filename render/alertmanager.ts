// Plan → alertmanager.yaml. Secrets are referenced as files under the Secret's mount path, never inline.

import { formatMatcher } from "../alertmanager/matchers";
import type { AmConfig, AmReceiver, AmRoute, AmTimeInterval } from "../alertmanager/types";
import { toTimeInterval } from "../plan/businessHours";
import type { AlertingPlan, ReceiverPlan, RoutePlan, TimeIntervalPlan } from "../plan/plan";
import { toYaml } from "./yaml";

export function renderRoute(route: RoutePlan): AmRoute {
  const out: AmRoute = {};
  if (route.receiver) out.receiver = route.receiver;
  if (route.matchers.length > 0) out.matchers = route.matchers.map(formatMatcher);
  if (route.groupBy) out.group_by = route.groupBy;
  if (route.groupWait) out.group_wait = route.groupWait;
  if (route.groupInterval) out.group_interval = route.groupInterval;
  if (route.repeatInterval) out.repeat_interval = route.repeatInterval;
  if (route.activeTimeIntervals) out.active_time_intervals = route.activeTimeIntervals;
  if (route.muteTimeIntervals) out.mute_time_intervals = route.muteTimeIntervals;
  if (route.continue) out.continue = true;
  if (route.routes && route.routes.length > 0) out.routes = route.routes.map(renderRoute);
  return out;
}

const SLACK_TITLE =
  '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.vertical }})';
const SLACK_TEXT =
  "{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}{{ if .Annotations.runbook_url }}\nRunbook: {{ .Annotations.runbook_url }}{{ end }}\n{{ end }}";

function renderReceiver(receiver: ReceiverPlan, secretDir: string): AmReceiver {
  const out: AmReceiver = { name: receiver.name };
  if (receiver.pagerduty) {
    out.pagerduty_configs = [
      {
        routing_key_file: `${secretDir}/${receiver.pagerduty.keyFile}`,
        // Only critical alerts reach a pager; the `page` alias is not a PagerDuty severity.
        severity: "critical",
        description:
          "{{ .CommonLabels.alertname }} ({{ .CommonLabels.vertical }}): {{ .CommonAnnotations.summary }}",
        details: {
          alert_type: "{{ .CommonLabels.alert_type }}",
          team: "{{ .CommonLabels.team }}",
          vertical: "{{ .CommonLabels.vertical }}",
          tool_name: "{{ .CommonLabels.tool_name }}",
          runbook_url: "{{ .CommonAnnotations.runbook_url }}",
          firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
        },
      },
    ];
  }
  if (receiver.slack) {
    out.slack_configs = [
      {
        api_url_file: `${secretDir}/${receiver.slack.webhookFile}`,
        channel: receiver.slack.channel,
        send_resolved: true,
        title: SLACK_TITLE,
        text: SLACK_TEXT,
      },
    ];
  }
  if (receiver.email) out.email_configs = [{ to: receiver.email.to, send_resolved: true }];
  if (receiver.heartbeat) {
    out.webhook_configs = [
      {
        url: receiver.heartbeat.url,
        send_resolved: false,
        http_config: {
          authorization: { type: "Bearer", credentials_file: `${secretDir}/${receiver.heartbeat.tokenFile}` },
        },
      },
    ];
  }
  return out;
}

function renderTimeInterval(interval: TimeIntervalPlan): AmTimeInterval {
  return { name: interval.name, time_intervals: [toTimeInterval(interval.hours)] };
}

/** The Alertmanager configuration as a plain object; `secretDir` is where the key files are mounted. */
export function alertmanagerConfig(plan: AlertingPlan, secretDir = plan.secretMountPath): AmConfig {
  const { smtp } = plan.global;
  const global: Record<string, unknown> = {
    resolve_timeout: plan.global.resolveTimeout,
    smtp_from: smtp.from,
    smtp_smarthost: smtp.smarthost,
    smtp_auth_username: smtp.authUsername,
    smtp_auth_password_file: `${secretDir}/${smtp.passwordFile}`,
    smtp_require_tls: smtp.requireTls,
  };
  if (plan.global.pagerdutyUrl) global.pagerduty_url = plan.global.pagerdutyUrl;
  return {
    global,
    route: renderRoute(plan.route),
    inhibit_rules: plan.inhibitRules.map((rule) => ({
      source_matchers: rule.sourceMatchers.map(formatMatcher),
      target_matchers: rule.targetMatchers.map(formatMatcher),
      equal: rule.equal,
    })),
    receivers: plan.receivers.map((receiver) => renderReceiver(receiver, secretDir)),
    time_intervals: plan.timeIntervals.map(renderTimeInterval),
  };
}

export function renderAlertmanagerYaml(plan: AlertingPlan, secretDir?: string): string {
  return toYaml(alertmanagerConfig(plan, secretDir));
}

/** One vertical's route subtree, as its ConfigMap carries it for review. */
export function renderVerticalRouteYaml(plan: AlertingPlan, vertical: string): string {
  const entry = plan.verticalRoutes.find((candidate) => candidate.vertical === vertical);
  if (!entry) throw new Error(`no route for vertical ${vertical}`);
  return toYaml(renderRoute(entry.route));
}
