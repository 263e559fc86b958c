// What the first real `pulumi up` of a stack depends on that no render can check: people PagerDuty
// must already know, secrets the stack must hold, service names the account must not have taken,
// and the state of the namespace. The summary lists them; `npm run preflight` checks them.
import type { SecretRef } from "../input/secrets";
import type { AlertingPlan, KubernetesPlan } from "./plan";

export interface FirstUpNeeds {
  /** E-mails the program looks up with `getUser`; the lookup fails for an address not in the account. */
  lookedUpUsers: string[];
  /** Every secret config value the program reads, besides the provider's own token. */
  secrets: SecretRef[];
  /** The services the stack creates; PagerDuty refuses a service whose name is taken. */
  services: { name: string; team: string }[];
  kubernetes: Pick<KubernetesPlan, "namespace" | "namespaceExists" | "kubeconfigPath" | "context">;
}

export function firstUpNeeds(plan: AlertingPlan): FirstUpNeeds {
  const { namespace, namespaceExists, kubeconfigPath, context } = plan.kubernetes;
  return {
    lookedUpUsers: plan.onCall.users.filter((user) => user.existing).map((user) => user.email),
    secrets: plan.secretInputs,
    services: plan.onCall.teams.flatMap((team) =>
      team.services.map((service) => ({ name: service.name, team: team.team })),
    ),
    kubernetes: { namespace, namespaceExists, kubeconfigPath, context },
  };
}
