// The pack's config for a stack, derived from the stack's own config, so the offline run judges by
// the same teams and tiers the program routes by. `npm run render` writes it for `pulumi preview
// --policy-pack policies --policy-pack-config <out>/<stack>/policy-config.json`.
import { receiverName } from "../core/conventions";
import { RULE_CHECKS } from "../input/checks/rules";
import type { AlertingModel } from "../input/model";
import type { OwnerConfig } from "./owners";
import type { PolicyConfig } from "./run";

export function policyConfigFor(model: AlertingModel): PolicyConfig {
  const { routing, toolOwners, pagerduty } = model.config;
  const owners: OwnerConfig = {
    infraTeam: routing.infraTeam,
    modelTeam: routing.modelTeam,
    toolFallbackTeam: routing.toolFallbackTeam,
    toolOwners,
  };
  // The named checks judge declared rules by the stack's owners and tiers, as validation did.
  const checks = Object.fromEntries(
    RULE_CHECKS.map((check) => [check.name, { ...owners, tiers: [...model.tiers.keys()] }]),
  );
  return {
    ...checks,
    "model-alerts-avoid-platform": owners,
    "infra-alerts-avoid-ai-engineering": owners,
    "tool-alerts-reach-owner": owners,
    "one-team-per-alert": { catchAllReceiver: receiverName(routing.catchAllTeam, "unrouted") },
    "tier-coverage": {
      tiers: Object.fromEntries([...model.tiers].map(([tier, config]) => [tier, config.coverage])),
    },
    "protected-oncall": { required: pagerduty.protect },
    "alert-grouping-window": { windowMinutes: pagerduty.alertGrouping?.windowMinutes ?? 0 },
  };
}
