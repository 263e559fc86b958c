// PagerDuty's shape: services scale with teams, escalation has somewhere to go, and the objects
// that hold incident history are protected where the stack asks for it.
import { stackPolicy } from "./policy";
import { plain, TYPES } from "./view";

export const servicesPerTeamPolicy = stackPolicy({
  name: "services-per-team",
  description:
    "PagerDuty services scale with teams (a service and its SEV1 variant per team), never with alerts.",
  enforcementLevel: "mandatory",
  defaults: { maxServicesPerTeam: 2 },
  configSchema: { maxServicesPerTeam: { type: "integer", minimum: 1 } },
  check(view, config, report) {
    const teams = view.ofType(TYPES.team).length;
    const services = view.ofType(TYPES.service);
    if (services.length > teams * config.maxServicesPerTeam) {
      report(
        `${services.length} PagerDuty services for ${teams} teams exceeds ${config.maxServicesPerTeam} per team; services must not follow alerts.`,
      );
    }
    const alertNames = new Set(view.alerts.map((alert) => alert.rule.alert));
    for (const service of services) {
      if (alertNames.has(String(plain(service.props.name)))) {
        report(
          `PagerDuty service ${String(plain(service.props.name))} is named after an alert; declare one service per team.`,
          service.urn,
        );
      }
    }
  },
});

interface Rule {
  escalationDelayInMinutes?: number;
  targets?: { type?: string; id?: string }[];
}

export const escalationLevelsPolicy = stackPolicy({
  name: "escalation-has-levels",
  description: "Every escalation policy has at least two levels, and its first level is an on-call schedule.",
  enforcementLevel: "mandatory",
  defaults: { minLevels: 2 },
  configSchema: { minLevels: { type: "integer", minimum: 1 } },
  check(view, config, report) {
    for (const policy of view.ofType(TYPES.escalationPolicy)) {
      const rules = (plain(policy.props.rules) ?? []) as Rule[];
      const name = String(plain(policy.props.name));
      if (rules.length < config.minLevels) {
        report(
          `Escalation policy ${name} has ${rules.length} level(s); it needs at least ${config.minLevels}.`,
          policy.urn,
        );
      }
      if (!rules[0]?.targets?.some((target) => target.type === "schedule_reference")) {
        report(`Escalation policy ${name} does not start with an on-call schedule.`, policy.urn);
      }
    }
  },
});

export const protectedOnCallPolicy = stackPolicy({
  name: "protected-oncall",
  description:
    "Where the stack asks for it, PagerDuty services, escalation policies and schedules are protected, since deleting a service deletes its incident history.",
  enforcementLevel: "mandatory",
  defaults: { required: false },
  configSchema: { required: { type: "boolean" } },
  check(view, config, report) {
    if (!config.required) return;
    for (const type of [TYPES.service, TYPES.escalationPolicy, TYPES.schedule]) {
      for (const resource of view.ofType(type)) {
        if (!resource.opts.protect)
          report(`${type.split(":").pop()} ${resource.name} is not protected.`, resource.urn);
      }
    }
  },
});

interface AlertGrouping {
  type?: string | null;
  config?: { timeout?: number | null } | null;
}

export const alertGroupingPolicy = stackPolicy({
  name: "alert-grouping-window",
  description:
    "PagerDuty services group alerts only by time within a window, never until the incident resolves, and in the window the stack asks for (`pagerduty.alertGrouping`).",
  enforcementLevel: "mandatory",
  // 0: the stack groups no alerts (or the pack runs without config), so only the bound is judged.
  defaults: { windowMinutes: 0 },
  configSchema: { windowMinutes: { type: "integer", minimum: 0, maximum: 1440 } },
  check(view, config, report) {
    const asked = config.windowMinutes;
    for (const service of view.ofType(TYPES.service)) {
      const name = String(plain(service.props.name));
      // Only the parameters: the provider's outputs fill the deprecated fields too ("null" when unset).
      const grouping = plain(service.props.alertGroupingParameters) as AlertGrouping | null | undefined;
      const window = grouping?.type === "time" ? Number(grouping.config?.timeout ?? 0) : 0;
      if (grouping?.type && !(window >= 1)) {
        report(
          `Service ${name} groups alerts with no time window, so a new alert can join an acknowledged incident and page nobody.`,
          service.urn,
        );
      } else if (asked > 0 && window !== asked) {
        const actual = grouping?.type ? `alerts within ${window} minutes` : "no alerts";
        report(
          `Service ${name} groups ${actual}; the stack groups them within ${asked} minutes.`,
          service.urn,
        );
      }
    }
  },
});
