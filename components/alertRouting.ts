// The top component. It declares each team's on-call (PagerDuty and Slack), then the Kubernetes
// objects that carry the plan: one ConfigMap per vertical (its rule file and its route subtree), the
// Alertmanager configuration, and the Secret holding the key files, integration keys included.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { objectLabels, PROJECT } from "../model/conventions";
import type { AlertingPlan, SecretFilePlan } from "../model/plan";
import { renderAlertmanagerYaml, renderVerticalRouteYaml } from "../render/alertmanager";
import { renderRuleFiles } from "../render/rules";
import { TeamOnCall } from "./teamOnCall";

/** Secret config values, each already a Pulumi secret. */
export interface SecretValues {
  slackToken: pulumi.Output<string>;
  slackWebhookUrls: pulumi.Output<Record<string, string>>;
  smtpPassword: pulumi.Output<string>;
  heartbeatToken: pulumi.Output<string>;
}

export interface AlertRoutingArgs {
  plan: AlertingPlan;
  secrets: SecretValues;
  /** Namespace of the monitoring stack that mounts these objects. */
  namespace: string;
  /** Prefix of the Kubernetes object names; defaults to the project name. */
  objectPrefix?: string;
  /** Overrides the Slack Web API URL. */
  slackApiUrl?: string;
}

export const ALERTMANAGER_CONFIG_KEY = "alertmanager.yaml";
export const ruleFileKey = (vertical: string): string => `${vertical}.rules.yaml`;
export const routeFileKey = (vertical: string): string => `${vertical}.route.yaml`;

/** The Secret's `stringData`: one entry per key file, each value a secret Output. */
export function secretFileData(
  files: readonly SecretFilePlan[],
  secrets: SecretValues,
  integrationKeys: Readonly<Record<string, pulumi.Output<string>>>,
): Record<string, pulumi.Output<string>> {
  const data: Record<string, pulumi.Output<string>> = {};
  for (const file of files) {
    if (file.source === "integration") {
      const key = integrationKeys[file.receiver];
      if (!key) throw new Error(`no PagerDuty integration for receiver ${file.receiver}`);
      data[file.file] = pulumi.secret(key);
      continue;
    }
    const { configKey, field } = file.secret;
    const value = secrets[configKey] as pulumi.Output<string | Record<string, string>>;
    data[file.file] = pulumi.secret(value.apply((v) => (typeof v === "string" ? v : v[field ?? ""])));
  }
  return data;
}

export class AlertRouting extends pulumi.ComponentResource {
  public readonly ruleConfigMaps: Record<string, k8s.core.v1.ConfigMap>;
  public readonly alertmanagerConfigMap: k8s.core.v1.ConfigMap;
  public readonly alertmanagerSecret: k8s.core.v1.Secret;
  public readonly alertmanagerConfigMapName: pulumi.Output<string>;
  public readonly alertmanagerSecretName: pulumi.Output<string>;
  public readonly teams: Record<string, TeamOnCall>;

  constructor(name: string, args: AlertRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${PROJECT}:routing:AlertRouting`, name, {}, opts);
    const { plan, namespace } = args;
    const prefix = args.objectPrefix ?? PROJECT;
    const ruleFiles = renderRuleFiles(plan);

    this.teams = {};
    const userIds = new Map<string, pulumi.Output<string>>();
    const scheduleIds = new Map<string, pulumi.Output<string>>();
    const integrationKeys: Record<string, pulumi.Output<string>> = {};
    for (const teamPlan of plan.onCall.teams) {
      const team = new TeamOnCall(
        `${name}-${teamPlan.team}`,
        {
          plan: teamPlan,
          users: plan.onCall.users.filter((user) => user.homeTeam === teamPlan.team),
          knownUserIds: userIds,
          knownScheduleIds: scheduleIds,
          protect: plan.onCall.protect,
          slack: {
            token: args.secrets.slackToken,
            apiUrl: args.slackApiUrl,
            workspaceId: plan.onCall.slackWorkspaceId,
          },
        },
        { parent: this },
      );
      this.teams[teamPlan.team] = team;
      for (const [email, id] of team.userIds) userIds.set(email, id);
      if (team.scheduleId) scheduleIds.set(teamPlan.team, team.scheduleId);
      Object.assign(integrationKeys, team.integrationKeys);
    }

    this.ruleConfigMaps = {};
    for (const { vertical } of plan.verticalRoutes) {
      this.ruleConfigMaps[vertical] = new k8s.core.v1.ConfigMap(
        `${name}-rules-${vertical}`,
        {
          metadata: {
            name: `${prefix}-rules-${vertical}`,
            namespace,
            labels: { ...objectLabels("prometheus-rules"), "agent-alert-routing/vertical": vertical },
          },
          data: {
            [ruleFileKey(vertical)]: ruleFiles.get(vertical) ?? "",
            [routeFileKey(vertical)]: renderVerticalRouteYaml(plan, vertical),
          },
        },
        { parent: this },
      );
    }

    this.alertmanagerConfigMap = new k8s.core.v1.ConfigMap(
      `${name}-alertmanager`,
      {
        metadata: { name: `${prefix}-alertmanager`, namespace, labels: objectLabels("alertmanager-config") },
        data: { [ALERTMANAGER_CONFIG_KEY]: renderAlertmanagerYaml(plan) },
      },
      { parent: this },
    );

    this.alertmanagerSecret = new k8s.core.v1.Secret(
      `${name}-alertmanager-secrets`,
      {
        metadata: {
          name: `${prefix}-alertmanager-secrets`,
          namespace,
          labels: objectLabels("alertmanager-secrets"),
          annotations: { "agent-alert-routing/mount-path": plan.secretMountPath },
        },
        type: "Opaque",
        stringData: secretFileData(plan.secretFiles, args.secrets, integrationKeys),
      },
      { parent: this },
    );

    this.alertmanagerConfigMapName = this.alertmanagerConfigMap.metadata.name;
    this.alertmanagerSecretName = this.alertmanagerSecret.metadata.name;
    this.registerOutputs({
      alertmanagerConfigMapName: this.alertmanagerConfigMapName,
      alertmanagerSecretName: this.alertmanagerSecretName,
    });
  }
}
