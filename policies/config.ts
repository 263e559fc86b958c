// The pack's config for a stack, derived from the stack's own config, so the offline run judges by
// the same teams and tiers the program routes by. `npm run render` writes it for `pulumi preview
// --policy-pack policies --policy-pack-config <out>/<stack>/policy-config.json`.
import { receiverName } from "../core/conventions";
import type { AlertingModel } from "../input/model";
import type { PolicyConfig } from "./run";

export function policyConfigFor(model: AlertingModel): PolicyConfig {
  const { routing, toolOwners, pagerduty } = model.config;
  const owners = {
    infraTeam: routing.infraTeam,
    modelTeam: routing.modelTeam,
    toolFallbackTeam: routing.toolFallbackTeam,
    toolOwners,
  };
  return {
    "model-alerts-avoid-platform": owners,
    "infra-alerts-avoid-ai-engineering": owners,
    "tool-alerts-reach-owner": owners,
    "one-team-per-alert": { catchAllReceiver: receiverName(routing.catchAllTeam, "unrouted") },
    "tier-coverage": {
      tiers: Object.fromEntries([...model.tiers].map(([tier, config]) => [tier, config.coverage])),
    },
    "protected-oncall": { required: pagerduty.protect },
  };
}
