// The checks of the stack config beyond its schema: references between its sections, names that
// would collide or break Kubernetes' limits once rendered, and (credentials.ts) credentials in URLs.
// Each field is a path under the project's namespace.

import { clockMinutes } from "../../alertmanager/timeIntervals";
import {
  ALERTING_RULE_FILE,
  CONFIG_KEYS,
  RECEIVER_QUALIFIERS,
  teamSecretFiles,
  VERTICAL_LABEL,
} from "../../core/conventions";
import { joinPath } from "../../core/errors";
import { dataKeyProblem, labelValueProblem } from "../../core/kubernetesNames";
import type { StackConfig } from "../config";
import { BRIDGE_CHECKS } from "./bridge";
import { noCredentialsInUrls } from "./credentials";
import type { ConfigCheck } from "./types";

const at = (...parts: (string | number)[]) => joinPath(parts);
const teamIds = (config: StackConfig) => config.teams.map((team) => team.id);

export const uniqueTeams: ConfigCheck = {
  name: "unique-team-ids",
  check: (config) =>
    config.teams.flatMap((team, i) =>
      teamIds(config).indexOf(team.id) < i
        ? [{ field: at("teams", i, "id"), message: `"${team.id}" is declared twice` }]
        : [],
    ),
};

export const teamIdsAvoidQualifiers: ConfigCheck = {
  name: "team-ids-avoid-receiver-qualifiers",
  check: (config) =>
    config.teams.flatMap((team, i) => {
      const qualifier = RECEIVER_QUALIFIERS.find((candidate) => team.id.endsWith(`-${candidate}`));
      return qualifier
        ? [
            {
              field: at("teams", i, "id"),
              message: `"${team.id}" ends in "-${qualifier}", which receiver names reserve`,
            },
          ]
        : [];
    }),
};

export const uniqueMembers: ConfigCheck = {
  name: "unique-team-members",
  check: (config) =>
    config.teams.flatMap((team, i) => {
      const emails = team.members.map((member) => member.email.toLowerCase());
      return team.members.flatMap((member, m) =>
        emails.indexOf(member.email.toLowerCase()) < m
          ? [{ field: at("teams", i, "members", m, "email"), message: `"${member.email}" is listed twice` }]
          : [],
      );
    }),
};

export const knownTeams: ConfigCheck = {
  name: "routing-names-teams",
  check(config) {
    const ids = new Set(teamIds(config));
    const message = (team: string) => `"${team}" is not a team (teams: ${[...ids].join(", ")})`;
    return [
      ...Object.entries(config.routing).map(([field, team]) => ({
        field: at(CONFIG_KEYS.routing, field),
        team,
      })),
      ...Object.entries(config.toolOwners).map(([tool, team]) => ({
        field: at(CONFIG_KEYS.toolOwners, tool),
        team,
      })),
    ].flatMap(({ field, team }) => (ids.has(team) ? [] : [{ field, message: message(team) }]));
  },
};

export const tierHoursInOrder: ConfigCheck = {
  name: "tier-hours-in-order",
  check: (config) =>
    Object.entries(config.tiers).flatMap(([id, tier]) =>
      tier.coverage === "business-hours" && clockMinutes(tier.end) <= clockMinutes(tier.start)
        ? [
            {
              field: at(CONFIG_KEYS.tiers, id, "end"),
              message: `"${tier.end}" must be later than start "${tier.start}"`,
            },
          ]
        : [],
    ),
};

export const alertingFileFree: ConfigCheck = {
  name: "vertical-id-not-alerting",
  check(config) {
    return config.verticals.flatMap((vertical, i) =>
      vertical.id === ALERTING_RULE_FILE
        ? [
            {
              field: at("verticals", i, "id"),
              message: `"${ALERTING_RULE_FILE}" is the rule file of the alerts about the alerting (Alertmanager and Prometheus failing); name the vertical otherwise`,
            },
          ]
        : [],
    );
  },
};

export const uniqueVerticals: ConfigCheck = {
  name: "unique-vertical-ids",
  check: (config) =>
    config.verticals.flatMap((vertical, i) =>
      config.verticals.findIndex((other) => other.id === vertical.id) < i
        ? [{ field: at("verticals", i, "id"), message: `"${vertical.id}" is declared twice` }]
        : [],
    ),
};

export const verticalTiers: ConfigCheck = {
  name: "vertical-sold-tiers",
  check: (config) =>
    config.verticals.flatMap((vertical, i) =>
      vertical.tiers.flatMap((tier, t) => {
        const field = at("verticals", i, "tiers", t);
        if (!Object.hasOwn(config.tiers, tier)) {
          return [
            { field, message: `"${tier}" is not a tier (tiers: ${Object.keys(config.tiers).join(", ")})` },
          ];
        }
        return vertical.tiers.indexOf(tier) < t ? [{ field, message: `"${tier}" is listed twice` }] : [];
      }),
    ),
};

export const defaultTierReplaced: ConfigCheck = {
  name: "vertical-default-tier-replaced",
  check: (config) =>
    config.verticals.flatMap((vertical, i) =>
      vertical.defaultTier === undefined
        ? []
        : [
            {
              field: at("verticals", i, "defaultTier"),
              message:
                "was replaced by `tiers`, the list of tiers this vertical sells; an alert without a tier takes the strictest of them",
            },
          ],
    ),
};

/**
 * A vertical's id is the value of its rule objects' vertical label, which Kubernetes caps at 63; the
 * objects' names (`agent-alert-routing-rules-<id>-<n>`) then stay far under their 253.
 */
export const verticalIdsFitKubernetes: ConfigCheck = {
  name: "vertical-ids-fit-kubernetes",
  check: (config) =>
    config.verticals.flatMap((vertical, i) => {
      const problem = labelValueProblem(vertical.id);
      if (!problem) return [];
      const message = `is too long for Kubernetes: as the label ${VERTICAL_LABEL} of its rule objects it ${problem}`;
      return [{ field: at("verticals", i, "id"), message }];
    }),
};

/** A team's id is in the names of its files in the key Secret, whose keys Kubernetes caps at 253. */
export const teamIdsFitSecretKeys: ConfigCheck = {
  name: "team-ids-fit-secret-keys",
  check: (config) =>
    config.teams.flatMap((team, i) => {
      const found = teamSecretFiles(team.id)
        .map((file) => ({ file, problem: dataKeyProblem(file) }))
        .find(({ problem }) => problem);
      if (!found) return [];
      const file = found.file.replace(team.id, "<id>");
      return [
        {
          field: at("teams", i, "id"),
          message: `is too long for Kubernetes: its file ${file} in Alertmanager's key Secret ${found.problem}`,
        },
      ];
    }),
};

export const CONFIG_CHECKS: readonly ConfigCheck[] = [
  uniqueTeams,
  teamIdsAvoidQualifiers,
  uniqueMembers,
  knownTeams,
  tierHoursInOrder,
  uniqueVerticals,
  alertingFileFree,
  verticalTiers,
  defaultTierReplaced,
  verticalIdsFitKubernetes,
  teamIdsFitSecretKeys,
  noCredentialsInUrls,
  ...BRIDGE_CHECKS,
];
