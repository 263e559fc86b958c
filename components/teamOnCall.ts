// One team in PagerDuty and Slack: the team, its users and memberships, its rotation, one escalation
// policy (and its SEV1 variant), one service per paging receiver with an Events API v2 integration,
// and its Slack channel. Everything comes from the team's plan.
import * as pagerduty from "@pulumi/pagerduty";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../core/conventions";
import type { EscalationPolicyPlan, ServicePlan, TeamOnCallPlan, UserPlan } from "../plan/onCall";
import { OnCallRotation } from "./onCallRotation";
import { SlackChannel } from "./slack/slackChannel";

export interface TeamOnCallArgs {
  plan: TeamOnCallPlan;
  /** The users this team declares: those whose home team it is. */
  users: readonly UserPlan[];
  /** PagerDuty user ids declared by teams before this one, by lower-cased e-mail. */
  knownUserIds: ReadonlyMap<string, pulumi.Output<string>>;
  /** Schedule ids of teams declared before this one (the executive team's, for SEV1). */
  knownScheduleIds: ReadonlyMap<string, pulumi.Output<string>>;
  protect: boolean;
  slack: { token: pulumi.Input<string>; apiUrl?: string; workspaceId?: string };
}

/** Resource names from e-mails: `ana.ruiz@callsphere.example` → `ana-ruiz-callsphere-example`. */
export function emailSlug(email: string): string {
  return email
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** PagerDuty's urgency settings for a service, from the plan's urgency. */
export function urgencySettings(
  service: ServicePlan,
): Pick<pagerduty.ServiceArgs, "incidentUrgencyRule" | "supportHours" | "scheduledActions"> {
  if (service.urgency.kind === "constant") {
    return { incidentUrgencyRule: { type: "constant", urgency: service.urgency.urgency } };
  }
  return {
    incidentUrgencyRule: {
      type: "use_support_hours",
      duringSupportHours: { type: "constant", urgency: "high" },
      outsideSupportHours: { type: "constant", urgency: "low" },
    },
    supportHours: { ...service.urgency.supportHours },
    // PagerDuty requires this with support hours: incidents left low overnight become high at start.
    scheduledActions: [
      {
        type: "urgency_change",
        toUrgency: "high",
        ats: [{ type: "named_time", name: "support_hours_start" }],
      },
    ],
  };
}

/** PagerDuty's alert grouping for a service, only when the plan groups its alerts. */
export function alertGroupingSettings(
  service: ServicePlan,
): Pick<pagerduty.ServiceArgs, "alertGroupingParameters"> {
  if (!service.alertGrouping) return {};
  const { type, timeoutMinutes } = service.alertGrouping;
  return { alertGroupingParameters: { type, config: { timeout: timeoutMinutes } } };
}

const SLACK_EVENTS = [
  "incident.triggered",
  "incident.acknowledged",
  "incident.escalated",
  "incident.resolved",
  "incident.reassigned",
];

export class TeamOnCall extends pulumi.ComponentResource {
  public readonly team: pagerduty.Team;
  public readonly userIds: ReadonlyMap<string, pulumi.Output<string>>;
  public readonly rotation?: OnCallRotation;
  public readonly scheduleId?: pulumi.Output<string>;
  public readonly escalationPolicyIds: Record<string, pulumi.Output<string>>;
  public readonly serviceIds: Record<string, pulumi.Output<string>>;
  /** Events API v2 integration keys by receiver; each a secret. */
  public readonly integrationKeys: Record<string, pulumi.Output<string>>;
  /** The team's Slack channel, when some receiver posts to it. */
  public readonly slackChannel?: SlackChannel;
  public readonly slackChannelId?: pulumi.Output<string>;

  constructor(name: string, args: TeamOnCallArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${PROJECT}:pagerduty:TeamOnCall`, name, {}, opts);
    const { plan, protect } = args;

    this.team = new pagerduty.Team(
      `${name}-team`,
      { name: plan.name, description: plan.description },
      { parent: this },
    );

    const userIds = new Map(args.knownUserIds);
    for (const user of args.users) {
      const slug = emailSlug(user.email);
      const id = user.existing
        ? pagerduty.getUserOutput({ email: user.email }, { parent: this }).id
        : new pagerduty.User(
            `${name}-user-${slug}`,
            { name: user.name, email: user.email, timeZone: user.timeZone, role: "user" },
            { parent: this },
          ).id;
      userIds.set(user.email.toLowerCase(), id);
    }
    this.userIds = userIds;
    const userId = (email: string): pulumi.Output<string> => {
      const id = userIds.get(email.toLowerCase());
      if (!id) throw new Error(`no PagerDuty user for ${email} in team ${plan.team}`);
      return id;
    };

    for (const email of plan.members) {
      new pagerduty.TeamMembership(
        `${name}-member-${emailSlug(email)}`,
        { teamId: this.team.id, userId: userId(email), role: "responder" },
        { parent: this },
      );
    }

    const scheduleIds = new Map(args.knownScheduleIds);
    if (plan.schedule) {
      this.rotation = new OnCallRotation(
        `${name}-rotation`,
        { schedule: plan.schedule, teamId: this.team.id, userIds, protect },
        { parent: this },
      );
      this.scheduleId = this.rotation.scheduleId;
      scheduleIds.set(plan.team, this.rotation.scheduleId);
    }

    const policies = new Map<string, pagerduty.EscalationPolicy>();
    for (const policy of plan.policies) {
      policies.set(policy.kind, this.declarePolicy(name, policy, userId, scheduleIds, protect));
    }
    this.escalationPolicyIds = Object.fromEntries([...policies].map(([kind, policy]) => [kind, policy.id]));

    if (plan.slackChannel) {
      this.slackChannel = new SlackChannel(
        `${name}-slack`,
        {
          name: plan.slackChannel.name,
          topic: plan.slackChannel.topic,
          purpose: plan.slackChannel.purpose,
          token: args.slack.token,
          apiUrl: args.slack.apiUrl,
        },
        { parent: this },
      );
      this.slackChannelId = this.slackChannel.channelId;
    }

    this.serviceIds = {};
    this.integrationKeys = {};
    for (const servicePlan of plan.services) {
      const policy = policies.get(servicePlan.policy);
      if (!policy) throw new Error(`service ${servicePlan.name} has no ${servicePlan.policy} policy`);
      const child = `${name}-service-${servicePlan.receiver}`;
      const service = new pagerduty.Service(
        child,
        {
          name: servicePlan.name,
          description: servicePlan.description,
          escalationPolicy: policy.id,
          alertCreation: "create_alerts_and_incidents",
          autoResolveTimeout: String(servicePlan.autoResolveTimeoutSeconds),
          acknowledgementTimeout: String(servicePlan.acknowledgementTimeoutSeconds),
          ...urgencySettings(servicePlan),
          ...alertGroupingSettings(servicePlan),
        },
        { parent: this, protect },
      );
      // The provider does not mark the key secret; it is one, since it lets anyone page the team.
      const integration = new pagerduty.ServiceIntegration(
        `${child}-events`,
        {
          name: "Alertmanager (Events API v2)",
          service: service.id,
          type: "events_api_v2_inbound_integration",
        },
        { parent: this, additionalSecretOutputs: ["integrationKey"] },
      );
      this.serviceIds[servicePlan.receiver] = service.id;
      this.integrationKeys[servicePlan.receiver] = pulumi.secret(integration.integrationKey);
      if (args.slack.workspaceId && this.slackChannelId) {
        new pagerduty.SlackConnection(
          `${child}-slack`,
          {
            sourceId: service.id,
            sourceType: "service_reference",
            workspaceId: args.slack.workspaceId,
            channelId: this.slackChannelId,
            notificationType: "responder",
            configs: [{ events: SLACK_EVENTS }],
          },
          { parent: this },
        );
      }
    }

    this.registerOutputs({
      teamId: this.team.id,
      scheduleId: this.scheduleId,
      escalationPolicyIds: this.escalationPolicyIds,
      serviceIds: this.serviceIds,
      slackChannelId: this.slackChannelId,
    });
  }

  private declarePolicy(
    name: string,
    policy: EscalationPolicyPlan,
    userId: (email: string) => pulumi.Output<string>,
    scheduleIds: ReadonlyMap<string, pulumi.Output<string>>,
    protect: boolean,
  ): pagerduty.EscalationPolicy {
    const scheduleId = (team: string) => {
      const id = scheduleIds.get(team);
      if (!id) throw new Error(`escalation policy ${policy.name} names team ${team}, which has no rotation`);
      return id;
    };
    return new pagerduty.EscalationPolicy(
      policy.kind === "default" ? `${name}-policy` : `${name}-policy-${policy.kind}`,
      {
        name: policy.name,
        numLoops: policy.numLoops,
        teams: this.team.id,
        rules: policy.levels.map((level) => ({
          escalationDelayInMinutes: level.delayMinutes,
          targets: level.targets.map((target) =>
            target.kind === "schedule"
              ? { type: "schedule_reference", id: scheduleId(target.team) }
              : { type: "user_reference", id: userId(target.email) },
          ),
        })),
      },
      { parent: this, protect },
    );
  }
}
