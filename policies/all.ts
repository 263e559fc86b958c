// Every policy of the pack, in the order a reviewer reads them. Importing this constructs nothing:
// only index.ts builds the PolicyPack, whose constructor starts the analyzer server.
import {
  autoRemediationPolicy,
  costSpikeRatioPolicy,
  modelAlertForPolicy,
  runbookPolicy,
  sloCoveredThresholdPolicy,
} from "./catalogue";
import { alertLabelsPolicy } from "./labels";
import { noPlainSecretsPolicy, objectSizePolicy } from "./objects";
import {
  infraAlertsAvoidAiEngPolicy,
  modelAlertsAvoidPlatformPolicy,
  oneTeamPerAlertPolicy,
  toolAlertsReachOwnerPolicy,
} from "./ownership";
import { escalationLevelsPolicy, protectedOnCallPolicy, servicesPerTeamPolicy } from "./pagerduty";
import type { AlertRoutingPolicy } from "./policy";
import { tierCoveragePolicy } from "./tiers";

export const allPolicies: AlertRoutingPolicy[] = [
  alertLabelsPolicy,
  modelAlertsAvoidPlatformPolicy,
  infraAlertsAvoidAiEngPolicy,
  toolAlertsReachOwnerPolicy,
  oneTeamPerAlertPolicy,
  servicesPerTeamPolicy,
  escalationLevelsPolicy,
  tierCoveragePolicy,
  noPlainSecretsPolicy,
  protectedOnCallPolicy,
  autoRemediationPolicy,
  costSpikeRatioPolicy,
  objectSizePolicy,
  runbookPolicy,
  sloCoveredThresholdPolicy,
  modelAlertForPolicy,
];
