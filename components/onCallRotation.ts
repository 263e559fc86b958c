// One team's rotation as a PagerDuty schedule: a weekly layer, restricted to business hours when the
// team's coverage is business hours. The layer is built from the plan; this only declares it.
import * as pagerduty from "@pulumi/pagerduty";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../core/conventions";
import type { SchedulePlan } from "../plan/onCall";

export interface OnCallRotationArgs {
  schedule: SchedulePlan;
  teamId: pulumi.Input<string>;
  /** PagerDuty user id by lower-cased e-mail. */
  userIds: ReadonlyMap<string, pulumi.Input<string>>;
  protect: boolean;
}

export class OnCallRotation extends pulumi.ComponentResource {
  public readonly schedule: pagerduty.Schedule;
  public readonly scheduleId: pulumi.Output<string>;

  constructor(name: string, args: OnCallRotationArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${PROJECT}:pagerduty:OnCallRotation`, name, {}, opts);
    const userId = (email: string): pulumi.Input<string> => {
      const id = args.userIds.get(email.toLowerCase());
      if (id === undefined) throw new Error(`no PagerDuty user for ${email}`);
      return id;
    };
    this.schedule = new pagerduty.Schedule(
      `${name}-schedule`,
      {
        name: args.schedule.name,
        timeZone: args.schedule.timeZone,
        teams: [args.teamId],
        layers: args.schedule.layers.map((layer) => ({
          name: layer.name,
          start: layer.start,
          rotationVirtualStart: layer.rotationVirtualStart,
          rotationTurnLengthSeconds: layer.rotationTurnLengthSeconds,
          users: layer.users.map(userId),
          // A layer without restrictions is on call around the clock; an empty list would only add a diff.
          restrictions:
            layer.restrictions.length > 0
              ? layer.restrictions.map((restriction) => ({ ...restriction }))
              : undefined,
        })),
      },
      { parent: this, protect: args.protect },
    );
    this.scheduleId = this.schedule.id;
    this.registerOutputs({ scheduleId: this.scheduleId });
  }
}
