// Every policy of the pack, in the order a reviewer reads them. Importing this constructs nothing:
// only index.ts builds the PolicyPack, whose constructor starts the analyzer server.
import { sloCoveredThresholdPolicy } from "./catalogue";
import { checkPolicies } from "./checks";
import { sev1NeverHeldBackPolicy } from "./inhibition";
import { noPlainSecretsPolicy, objectSizePolicy } from "./objects";
import {
  infraAlertsAvoidAiEngPolicy,
  modelAlertsAvoidPlatformPolicy,
  oneTeamPerAlertPolicy,
  toolAlertsReachOwnerPolicy,
} from "./ownership";
import {
  alertGroupingPolicy,
  escalationLevelsPolicy,
  protectedOnCallPolicy,
  servicesPerTeamPolicy,
} from "./pagerduty";
import type { AlertRoutingPolicy } from "./policy";
import { valuesKnownAtPreviewPolicy } from "./preview";
import { groupByNoReplicaPolicy } from "./replicas";
import { tierCoveragePolicy } from "./tiers";

/** The catalogue's named checks first (the same ones validation runs), then the stack's own rules. */
export const allPolicies: AlertRoutingPolicy[] = [
  ...checkPolicies,
  modelAlertsAvoidPlatformPolicy,
  infraAlertsAvoidAiEngPolicy,
  toolAlertsReachOwnerPolicy,
  oneTeamPerAlertPolicy,
  servicesPerTeamPolicy,
  escalationLevelsPolicy,
  tierCoveragePolicy,
  sev1NeverHeldBackPolicy,
  noPlainSecretsPolicy,
  protectedOnCallPolicy,
  alertGroupingPolicy,
  groupByNoReplicaPolicy,
  objectSizePolicy,
  sloCoveredThresholdPolicy,
  valuesKnownAtPreviewPolicy,
];
