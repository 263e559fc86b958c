// The top component. It declares each team's on-call (PagerDuty and Slack), each vertical's business
// service, then the Kubernetes objects that carry the plan, with the integration keys flowing into the key-file Secret.
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../core/conventions";
import type { AlertingPlan, SecretFilePlan } from "../plan/plan";
import type { KubernetesObjects } from "../render/kubernetes";
import { BridgeService } from "./bridge";
import { BusinessServices } from "./businessServices";
import { MonitoringObjects } from "./monitoringObjects";
import { TeamOnCall } from "./teamOnCall";

/** Secret config values, each already a Pulumi secret. */
export interface SecretValues {
  slackToken: pulumi.Output<string>;
  slackWebhookUrls: pulumi.Output<Record<string, string>>;
  smtpPassword: pulumi.Output<string>;
  heartbeatToken: pulumi.Output<string>;
  bridgeWebhookSecret: pulumi.Output<string>;
}

export interface AlertRoutingArgs {
  plan: AlertingPlan;
  /** The Kubernetes objects to declare, already built from the plan and checked. */
  objects: KubernetesObjects;
  secrets: SecretValues;
  /** Overrides the Slack Web API URL. */
  slackApiUrl?: string;
}

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
  public readonly teams: Record<string, TeamOnCall>;
  public readonly businessServices: BusinessServices;
  public readonly monitoring: MonitoringObjects;
  public readonly bridge?: BridgeService;
  /** The object holding `alertmanager.yaml`: the ConfigMap, or in operator mode the config Secret. */
  public readonly alertmanagerConfigName: pulumi.Output<string>;
  public readonly alertmanagerSecretName: pulumi.Output<string>;

  constructor(name: string, args: AlertRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${PROJECT}:routing:AlertRouting`, name, {}, opts);
    const { plan } = args;

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

    this.businessServices = new BusinessServices(
      `${name}-business`,
      {
        plans: plan.onCall.businessServices,
        serviceIds: Object.fromEntries(Object.entries(this.teams).map(([id, team]) => [id, team.serviceIds])),
        protect: plan.onCall.protect,
      },
      { parent: this },
    );

    this.monitoring = new MonitoringObjects(
      `${name}-k8s`,
      {
        objects: args.objects,
        cluster: plan.kubernetes,
        secretFiles: secretFileData(plan.secretFiles, args.secrets, integrationKeys),
      },
      { parent: this },
    );
    if (plan.bridge) {
      this.bridge = new BridgeService(
        `${name}-bridge`,
        {
          plan: plan.bridge,
          namespace: plan.kubernetes.namespace,
          webhookSecret: args.secrets.bridgeWebhookSecret,
          provider: this.monitoring.provider,
          dependsOn: [this.monitoring.namespace],
        },
        { parent: this },
      );
    }
    const config = this.monitoring.alertmanagerConfigMap ?? this.monitoring.alertmanagerConfigSecret;
    this.alertmanagerConfigName = config ? config.metadata.name : pulumi.output("");
    this.alertmanagerSecretName = this.monitoring.keySecret.metadata.name;
    this.registerOutputs({
      alertmanagerConfigName: this.alertmanagerConfigName,
      alertmanagerSecretName: this.alertmanagerSecretName,
    });
  }
}
