// Receivers, named after the team that owns them, and the files of the Secret they read keys from.
import {
  HEARTBEAT_TOKEN_FILE,
  pagerdutyKeyFile,
  parseReceiverName,
  type ReceiverQualifier,
  SECRET_CONFIG_KEYS,
  SMTP_PASSWORD_FILE,
  slackWebhookFile,
} from "../core/conventions";
import type { TeamConfig } from "../input/config";
import type { AlertingModel } from "../input/model";
import type { SecretRef } from "../input/secrets";
import type { RoutePlan } from "./routes";

export interface ReceiverPlan {
  name: string;
  team: string;
  qualifier?: ReceiverQualifier;
  /** The PagerDuty service this receiver pages, named like the receiver. */
  pagerduty?: { service: string; keyFile: string };
  slack?: { channel: string; webhookFile: string };
  email?: { to: string };
  heartbeat?: { url: string; tokenFile: string };
}

/**
 * A file in the Alertmanager Secret and where its value comes from: a secret config value, or the
 * integration key of the PagerDuty service that a paging receiver is named after.
 */
export type SecretFilePlan = { file: string } & (
  | { source: "config"; secret: SecretRef }
  | { source: "integration"; receiver: string }
);

function collectReceivers(route: RoutePlan, into: Set<string>): void {
  if (route.receiver) into.add(route.receiver);
  for (const child of route.routes ?? []) collectReceivers(child, into);
}

function receiverPlan(
  model: AlertingModel,
  name: string,
  team: TeamConfig,
  qualifier: ReceiverQualifier | undefined,
): ReceiverPlan {
  const slack = { channel: team.slackChannel, webhookFile: slackWebhookFile(team.id) };
  const email = { to: team.email };
  const base = { name, team: team.id, qualifier };
  switch (qualifier) {
    case undefined:
    case "sev1":
      return { ...base, pagerduty: { service: name, keyFile: pagerdutyKeyFile(name) }, slack };
    case "slack":
      return { ...base, slack };
    case "offhours":
    case "unrouted":
      return { ...base, slack, email };
    case "email":
      return { ...base, email };
    case "heartbeat":
      return {
        ...base,
        heartbeat: { url: model.config.alertmanager.heartbeat.url, tokenFile: HEARTBEAT_TOKEN_FILE },
      };
    case "blackhole":
      return base;
  }
}

export function buildReceivers(model: AlertingModel, route: RoutePlan): ReceiverPlan[] {
  const names = new Set<string>();
  collectReceivers(route, names);
  return [...names].sort().map((name) => {
    const { team, qualifier } = parseReceiverName(name);
    const config = model.teams.get(team);
    if (!config) throw new Error(`receiver ${name} names no team`);
    return receiverPlan(model, name, config, qualifier);
  });
}

export function buildSecretFiles(receivers: ReceiverPlan[]): SecretFilePlan[] {
  const files = new Map<string, SecretFilePlan>();
  const fromConfig = (file: string, configKey: SecretRef["configKey"], field?: string) =>
    files.set(file, {
      file,
      source: "config",
      secret: field === undefined ? { configKey } : { configKey, field },
    });
  for (const receiver of receivers) {
    if (receiver.pagerduty) {
      const file = receiver.pagerduty.keyFile;
      files.set(file, { file, source: "integration", receiver: receiver.pagerduty.service });
    }
    if (receiver.slack)
      fromConfig(receiver.slack.webhookFile, SECRET_CONFIG_KEYS.slackWebhookUrls, receiver.team);
    if (receiver.email) fromConfig(SMTP_PASSWORD_FILE, SECRET_CONFIG_KEYS.smtpPassword);
    if (receiver.heartbeat) fromConfig(HEARTBEAT_TOKEN_FILE, SECRET_CONFIG_KEYS.heartbeatToken);
  }
  return [...files.values()].sort((a, b) => a.file.localeCompare(b.file));
}

/** The secrets behind the Secret's files, and the Slack token that manages the teams' channels. */
export function buildSecretInputs(files: readonly SecretFilePlan[]): SecretRef[] {
  const refs = files.flatMap((file) => (file.source === "config" ? [file.secret] : []));
  return [{ configKey: SECRET_CONFIG_KEYS.slackToken }, ...refs];
}
