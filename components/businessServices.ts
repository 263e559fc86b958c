// One PagerDuty business service per vertical, depending on the team services its alerts can page,
// so an incident on any of them shows on the vertical, and on a status page fed from it.
import * as pagerduty from "@pulumi/pagerduty";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../core/conventions";
import type { BusinessServicePlan } from "../plan/onCall";

export interface BusinessServicesArgs {
  plans: readonly BusinessServicePlan[];
  /** The team services' ids, by team and by the receiver that pages each. */
  serviceIds: Readonly<Record<string, Readonly<Record<string, pulumi.Output<string>>>>>;
  protect: boolean;
}

export class BusinessServices extends pulumi.ComponentResource {
  public readonly ids: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: BusinessServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${PROJECT}:pagerduty:BusinessServices`, name, {}, opts);
    for (const plan of args.plans) {
      const service = new pagerduty.BusinessService(
        `${name}-${plan.vertical}`,
        { name: plan.name, description: plan.description },
        { parent: this, protect: args.protect },
      );
      this.ids[plan.vertical] = service.id;
      for (const { team, service: supporting } of plan.supporting) {
        const id = args.serviceIds[team]?.[supporting];
        if (!id)
          throw new Error(`business service ${plan.name} depends on ${supporting}, which is not declared`);
        new pagerduty.ServiceDependency(
          `${name}-${plan.vertical}-on-${supporting}`,
          {
            dependency: {
              dependentServices: [{ id: service.id, type: "business_service" }],
              supportingServices: [{ id, type: "service" }],
            },
          },
          { parent: this },
        );
      }
    }
    this.registerOutputs({ ids: this.ids });
  }
}
