// The program: read the stack config, build the checked model and its plan, check the objects it
// implies, declare them, and return the stack outputs.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AlertRouting } from "./components/alertRouting";
import { PROJECT, SECRET_CONFIG_KEYS } from "./model/conventions";
import { ValidationError } from "./model/errors";
import { type AlertingModel, buildModel } from "./model/index";
import { type AlertingPlan, buildPlan } from "./model/plan";
import { reviewRouting } from "./model/routing/review";
import { checkSecrets, type SecretPresence, withoutSecretKeys } from "./model/secrets";
import { alertmanagerConfig } from "./render/alertmanager";
import { kubernetesObjects } from "./render/kubernetes";
import { checkKubernetesObjects, validatePrometheusRules } from "./render/kubernetesChecks";
import { ShardError } from "./render/shards";
import { renderSummary } from "./render/summary";

const stack = pulumi.getStack();
const stackFile = `Pulumi.${stack}.yaml`;
const config = new pulumi.Config(PROJECT);

function readCatalogue(file: string): string | undefined {
  const full = path.resolve(__dirname, file);
  return fs.existsSync(full) ? fs.readFileSync(full, "utf8") : undefined;
}

// `isConfigSecret` is public at runtime but absent from the typings; without it, trust the value.
const isConfigSecret =
  (pulumi.runtime as { isConfigSecret?: (key: string) => boolean }).isConfigSecret ?? (() => true);

function secretPresence(key: string): SecretPresence | undefined {
  const fullKey = `${PROJECT}:${key}`;
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

/** Everything that can be wrong with the input is found here, before any resource is declared. */
async function load() {
  // Every key of our namespace but the secrets goes to validation, so a misspelt key is reported.
  const keys = Object.keys(pulumi.runtime.allConfig())
    .filter((fullKey) => fullKey.startsWith(`${PROJECT}:`))
    .map((fullKey) => fullKey.slice(fullKey.lastIndexOf(":") + 1));
  const raw = withoutSecretKeys(Object.fromEntries(keys.map((key) => [key, null])));
  for (const key of Object.keys(raw))
    raw[key] = parseConfigValue(pulumi.runtime.getConfig(`${PROJECT}:${key}`));
  const model = buildModel({ stack, stackFile, config: raw, readFile: readCatalogue });
  const plan = buildPlan(model);
  checkSecrets(stackFile, plan.secretInputs, secretPresence);
  const review = reviewRouting(model, plan, alertmanagerConfig(plan));
  const errors = review.findings.filter((finding) => finding.severity === "error");
  if (errors.length > 0) {
    throw new ValidationError(
      errors.map((finding) => ({ file: "alertmanager.yaml", path: finding.kind, message: finding.message })),
    );
  }
  const objects = buildKubernetesObjects(model, plan);
  checkKubernetesObjects(model, objects);
  await validatePrometheusRules(model, objects);
  for (const warning of review.findings) pulumi.log.warn(`routing: ${warning.message}`);
  return { model, plan, review, objects };
}

function buildKubernetesObjects(model: AlertingModel, plan: AlertingPlan) {
  try {
    return kubernetesObjects(plan);
  } catch (error) {
    if (!(error instanceof ShardError)) throw error;
    const vertical = model.verticals.find((candidate) => candidate.id === error.vertical);
    throw new ValidationError([
      { file: vertical?.catalogueFile ?? stackFile, path: `groups (${error.group})`, message: error.message },
    ]);
  }
}

async function main() {
  let loaded: Awaited<ReturnType<typeof load>>;
  try {
    loaded = await load();
  } catch (error) {
    // A clean message naming file and field, without a stack trace, and before any resource exists.
    if (error instanceof ValidationError) throw new pulumi.RunError(error.message);
    throw error;
  }
  const { model, plan, review, objects } = loaded;
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
    },
  });

  return {
    verticals: model.verticals.map((vertical) => vertical.id),
    receivers: plan.receivers.map((receiver) => receiver.name),
    deliveryMode: plan.kubernetes.mode,
    alertmanagerConfig: alertRouting.alertmanagerConfigName,
    alertmanagerSecret: alertRouting.alertmanagerSecretName,
    summary: renderSummary(model, plan),
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
    /** Per team: its PagerDuty services and escalation policies, and its Slack channel. */
    teams: pulumi.output(
      Object.fromEntries(
        Object.entries(alertRouting.teams).map(([id, team]) => [
          id,
          {
            serviceIds: team.serviceIds,
            escalationPolicyIds: team.escalationPolicyIds,
            slackChannel: { name: team.slackChannel.name, id: team.slackChannelId },
          },
        ]),
      ),
    ),
  };
}

// Pulumi awaits an exported function; the schema check of PrometheusRule objects is asynchronous.
export = main;
