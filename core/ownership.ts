// Who owns an alert: the one decision every route, rule label and policy derives from.

import type { AlertType } from "./conventions";

/** The part of the stack config that decides owners. */
export interface Owners {
  routing: { infraTeam: string; modelTeam: string; toolFallbackTeam: string };
  toolOwners: Readonly<Record<string, string>>;
}

/** Infra goes to the platform team, model to AI engineering, a tool to its owner (else the fallback). */
export function ownerOf(config: Owners, alertType: AlertType, toolName: string | undefined): string {
  switch (alertType) {
    case "infra":
      return config.routing.infraTeam;
    case "model":
      return config.routing.modelTeam;
    case "tool":
      return toolName !== undefined && Object.hasOwn(config.toolOwners, toolName)
        ? config.toolOwners[toolName]
        : config.routing.toolFallbackTeam;
  }
}

/**
 * Tool owners sorted by tool name. Tool routes match one `tool_name` each, so their order never changes
 * where an alert goes; sorting only keeps the rendered config's diff readable.
 */
export function toolOwnerEntries(config: Owners): [tool: string, team: string][] {
  return Object.entries(config.toolOwners).sort(([a], [b]) => a.localeCompare(b));
}
