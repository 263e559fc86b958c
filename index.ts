// The program: read the stack config, compile it through the pipeline (which checks everything
// before any resource exists), declare what it planned, and return the stack outputs.
import * as pulumi from "@pulumi/pulumi";
import { AlertRouting } from "./components/alertRouting";
import { PROJECT, SECRET_CONFIG_KEYS } from "./core/conventions";
import { formatIssue, ValidationError } from "./core/errors";
import type { SecretPresence } from "./input/secrets";
import { type CompiledStack, compileStack } from "./pipeline/compile";

const stack = pulumi.getStack();
const config = new pulumi.Config(PROJECT);

// `isConfigSecret` is public at runtime but absent from the typings; without it, trust the value.
const isConfigSecret =
  (pulumi.runtime as { isConfigSecret?: (key: string) => boolean }).isConfigSecret ?? (() => true);

/** What the stack holds for a secret key of ours (`smtpPassword`) or of a provider (`pagerduty:token`). */
function secretPresence(key: string): SecretPresence | undefined {
  const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
  const raw = pulumi.runtime.getConfig(fullKey);
  if (raw === undefined) return undefined;
  let fields: string[] | undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed !== null && typeof parsed === "object") fields = Object.keys(parsed);
  } catch {
    // A plain string value, such as the SMTP password.
  }
  return { secret: isConfigSecret(fullKey), fields };
}

/** Structured values arrive as JSON text, plain ones as text; validation reports a wrong shape. */
function parseConfigValue(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Every key of our namespace, so that validation reports a misspelt one; the pipeline drops secrets. */
function stackConfig(): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(`${PROJECT}:`)) continue;
    const key = fullKey.slice(fullKey.lastIndexOf(":") + 1);
    values[key] = parseConfigValue(pulumi.runtime.getConfig(fullKey));
  }
  return values;
}

async function main() {
  let compiled: CompiledStack;
  try {
    compiled = await compileStack(
      { stack, stackFile: `Pulumi.${stack}.yaml`, config: stackConfig() },
      secretPresence,
    );
  } catch (error) {
    // A clean message naming file and field, without a stack trace, and before any resource exists.
    if (error instanceof ValidationError) throw new pulumi.RunError(error.message);
    throw error;
  }
  const { model, plan, review, objects } = compiled;
  for (const warning of model.warnings) pulumi.log.warn(formatIssue(warning));
  for (const warning of review.findings) pulumi.log.warn(`routing: ${warning.message}`);
  const emptyObject = pulumi.secret({} as Record<string, string>);

  const alertRouting = new AlertRouting("alert-routing", {
    plan,
    objects,
    slackApiUrl: model.config.slack.apiUrl,
    secrets: {
      slackToken: config.getSecret(SECRET_CONFIG_KEYS.slackToken) ?? pulumi.secret(""),
      slackWebhookUrls:
        config.getSecretObject<Record<string, string>>(SECRET_CONFIG_KEYS.slackWebhookUrls) ?? emptyObject,
      smtpPassword: config.getSecret(SECRET_CONFIG_KEYS.smtpPassword) ?? pulumi.secret(""),
      heartbeatToken: config.getSecret(SECRET_CONFIG_KEYS.heartbeatToken) ?? pulumi.secret(""),
      bridgeWebhookSecret: config.getSecret(SECRET_CONFIG_KEYS.bridgeWebhookSecret) ?? pulumi.secret(""),
    },
  });

  return {
    verticals: model.verticals.map((vertical) => vertical.id),
    receivers: plan.receivers.map((receiver) => receiver.name),
    deliveryMode: plan.kubernetes.mode,
    alertmanagerConfig: alertRouting.alertmanagerConfigName,
    alertmanagerSecret: alertRouting.alertmanagerSecretName,
    /** What an operator checks in PagerDuty after an update: how many of each the stack manages. */
    pagerduty: {
      teams: plan.onCall.teams.length,
      services: Object.values(alertRouting.teams).reduce(
        (sum, team) => sum + Object.keys(team.serviceIds).length,
        0,
      ),
      integrations: Object.values(alertRouting.teams).reduce(
        (sum, team) => sum + Object.keys(team.integrationKeys).length,
        0,
      ),
      businessServices: plan.onCall.businessServices.length,
      usersLookedUp: plan.onCall.users.filter((user) => user.existing).length,
      usersCreated: plan.onCall.users.filter((user) => !user.existing).length,
    },
    summary: compiled.summary,
    /** The routing matrix and the static checks' findings; `npm run render` writes them to routing.md. */
    routing: {
      moments: review.moments.map((moment) => ({
        id: moment.id,
        label: moment.label,
        at: moment.at.toISOString(),
      })),
      matrix: review.matrix,
      findings: review.findings,
    },
    /** Per vertical: its PagerDuty business service, and the team services it depends on. */
    businessServices: pulumi.output(
      Object.fromEntries(
        plan.onCall.businessServices.map((service) => [
          service.vertical,
          {
            name: service.name,
            id: alertRouting.businessServices.ids[service.vertical],
            dependsOn: service.supporting.map(({ service: receiver }) => receiver),
          },
        ]),
      ),
    ),
    /** Per team: its PagerDuty services and escalation policies, and its Slack channel. */
    teams: pulumi.output(
      Object.fromEntries(
        Object.entries(alertRouting.teams).map(([id, team]) => [
          id,
          {
            serviceIds: team.serviceIds,
            escalationPolicyIds: team.escalationPolicyIds,
            ...(team.slackChannel
              ? { slackChannel: { name: team.slackChannel.name, id: team.slackChannelId } }
              : {}),
          },
        ]),
      ),
    ),
  };
}

// Pulumi awaits an exported function; the schema check of PrometheusRule objects is asynchronous.
export = main;
