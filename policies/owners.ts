// The stack's owners as policy config: which team each alert type reaches, and each tool's owner.
// `npm run render` writes the stack's own values into policy-config.json; these defaults are prod's.
import type { Owners } from "../core/ownership";

export interface OwnerConfig {
  infraTeam: string;
  modelTeam: string;
  toolFallbackTeam: string;
  toolOwners: Record<string, string>;
}

export const OWNER_DEFAULTS: OwnerConfig = {
  infraTeam: "platform",
  modelTeam: "ai-eng",
  toolFallbackTeam: "integrations",
  toolOwners: { crm: "crm-owners", calendar: "calendar-owners" },
};

export const OWNER_SCHEMA = {
  infraTeam: { type: "string" as const },
  modelTeam: { type: "string" as const },
  toolFallbackTeam: { type: "string" as const },
  toolOwners: { type: "object" as const, additionalProperties: { type: "string" as const } },
};

/** The policy config in the shape the ownership decision (`ownerOf`) reads. */
export function ownersOf(config: OwnerConfig): Owners {
  const { infraTeam, modelTeam, toolFallbackTeam, toolOwners } = config;
  return { routing: { infraTeam, modelTeam, toolFallbackTeam }, toolOwners };
}
