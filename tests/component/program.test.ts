// The real program under the mock engine for prod: what it declares, how keys flow, what stays plain.
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { isSecretValue, type ProgramRun } from "../../cli/mockEngine";
import type { StackFile } from "../../cli/stackFile";
import { named, ofType, PD, runStack, testSecret, unwrap } from "../support/program";

let run: ProgramRun & { stackFile: StackFile };
const configMaps = () => ofType(run, "kubernetes:core/v1:ConfigMap");

interface TeamConfig {
  id: string;
  members: { email: string; existing?: boolean }[];
  escalation?: { secondary?: string[] };
}

interface ScheduleInputs {
  name: string;
  timeZone: string;
  teams: string[];
  layers: {
    rotationTurnLengthSeconds: number;
    rotationVirtualStart: string;
    users: string[];
    restrictions?: unknown;
  }[];
}

before(async () => {
  run = await runStack("prod");
});

describe("the prod program: Kubernetes objects in operator mode", () => {
  const verticals = () => (run.stackFile.values.verticals as { id: string }[]).map((vertical) => vertical.id);
  const secrets = () => ofType(run, "kubernetes:core/v1:Secret");

  it("declares one PrometheusRule per vertical, and one for the alerts about the alerting, with the rule selector's label, and no ConfigMap but the bridge's settings", () => {
    const rules = ofType(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    assert.deepEqual(
      rules.map((rule) => rule.name).sort(),
      [...verticals(), "alerting"].map((v) => `alert-routing-k8s-prometheusrule-${v}-0`).sort(),
    );
    for (const rule of rules) {
      const metadata = rule.inputs.metadata as {
        name: string;
        namespace: string;
        labels: Record<string, string>;
      };
      assert.equal(metadata.namespace, "monitoring");
      assert.equal(
        metadata.labels.release,
        "kube-prometheus-stack",
        "kube-prometheus-stack ignores rules without it",
      );
      assert.equal(rule.inputs.apiVersion, "monitoring.coreos.com/v1");
      const groups = (rule.inputs.spec as { groups: { name: string }[] }).groups;
      const vertical = metadata.labels["agent-alert-routing/vertical"];
      assert.ok(
        groups.length > 0 && groups.every((group) => group.name.startsWith(`${vertical}-`)),
        vertical,
      );
    }
    assert.deepEqual(
      configMaps().map((map) => map.name),
      ["alert-routing-bridge-settings"],
    );
    assert.equal(ofType(run, "kubernetes:monitoring.coreos.com/v1:AlertmanagerConfig").length, 0);
  });

  it("puts alertmanager.yaml in the operator's config Secret and the key files in their own Secret", () => {
    assert.deepEqual(
      secrets()
        .map((secret) => secret.name)
        .sort(),
      [
        "alert-routing-bridge-secret",
        "alert-routing-k8s-alertmanager-config",
        "alert-routing-k8s-alertmanager-secrets",
      ],
    );
    assert.equal(run.outputs.alertmanagerConfig, "agent-alert-routing-alertmanager-config");
    assert.equal(run.outputs.deliveryMode, "operator");
  });

  it("declares the bridge: a Deployment of two replicas in the monitoring namespace, its Service, its settings and its webhook secret only in a Secret, mounted as files", () => {
    const deployment = named(run, "alert-routing-bridge-deployment");
    const spec = deployment.inputs.spec as {
      replicas: number;
      template: {
        spec: {
          containers: { image: string; env: { name: string; value: string }[] }[];
          volumes: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[];
        };
      };
    };
    assert.equal(spec.replicas, 2);
    assert.equal((deployment.inputs.metadata as { namespace: string }).namespace, "monitoring");
    const [container] = spec.template.spec.containers;
    assert.match(container.image, /^ghcr\.io\/callsphere\/agent-alert-routing-bridge:\d+\.\d+\.\d+$/);
    assert.ok(
      !JSON.stringify(container.env).includes(testSecret("bridgeWebhookSecret")),
      "the secret is a file, not a variable",
    );
    assert.deepEqual(
      spec.template.spec.volumes.map((volume) => volume.secret?.secretName ?? volume.configMap?.name),
      ["agent-alert-routing-bridge", "agent-alert-routing-bridge"],
    );
    const service = named(run, "alert-routing-bridge-service");
    assert.deepEqual(
      (service.inputs.spec as { ports: { targetPort: string }[] }).ports.map((port) => port.targetPort),
      ["http"],
    );
    const secret = named(run, "alert-routing-bridge-secret");
    assert.ok(isSecretValue(secret.inputs.stringData), "stringData must be a secret");
    assert.deepEqual(unwrap(secret.inputs.stringData), {
      "webhook-secret": testSecret("bridgeWebhookSecret"),
    });
    const settings = JSON.stringify(named(run, "alert-routing-bridge-settings").inputs);
    assert.ok(!settings.includes(testSecret("bridgeWebhookSecret")));
    assert.match(settings, /healthcare-voice-prod/);
  });

  it("adopts the existing namespace, leaves it on destroy, and uses one configured provider", () => {
    const [namespace] = ofType(run, "kubernetes:core/v1:Namespace");
    assert.equal(namespace.importId, "monitoring");
    assert.equal(namespace.retainOnDelete, true);
    const [provider] = ofType(run, "pulumi:providers:kubernetes");
    assert.equal(provider.inputs.namespace, "monitoring");
  });

  it("points every key file the Alertmanager config names at the Secret, each from its source", () => {
    const configSecret = named(run, "alert-routing-k8s-alertmanager-config");
    const text = String(
      unwrap((unwrap(configSecret.inputs.stringData) as Record<string, unknown>)["alertmanager.yaml"]),
    );
    const referenced = [...text.matchAll(/_file: (\S+)/g)].map((match) => match[1]);
    assert.ok(referenced.length > 0);
    const secret = named(run, "alert-routing-k8s-alertmanager-secrets");
    assert.ok(isSecretValue(secret.inputs.stringData), "stringData must be a secret");
    const files = (secret.inputs.stringData as { value: Record<string, unknown> }).value;
    for (const reference of referenced) {
      // Where the operator mounts the Secrets listed in the Alertmanager's spec.secrets.
      assert.equal(
        path.dirname(reference),
        "/etc/alertmanager/secrets/agent-alert-routing-alertmanager-secrets",
      );
      assert.ok(path.basename(reference) in files, `${reference} is not in the Secret`);
    }
    // PagerDuty keys come from the services' Events API v2 integrations, not from config.
    assert.equal(
      unwrap(files["pagerduty-ai-eng.key"]),
      "integration-key-of-alert-routing-ai-eng-service-ai-eng-events",
    );
    assert.equal(
      unwrap(files["pagerduty-ai-eng-sev1.key"]),
      "integration-key-of-alert-routing-ai-eng-service-ai-eng-sev1-events",
    );
    assert.equal(unwrap(files["slack-crm-owners.url"]), testSecret("slackWebhookUrls", "crm-owners"));
    assert.equal(unwrap(files["smtp-password"]), testSecret("smtpPassword"));
    assert.equal(unwrap(files["heartbeat-token"]), testSecret("heartbeatToken"));
  });

  it("never puts a secret value or an integration key in a rule object, the config or a stack output", () => {
    const plain = JSON.stringify([
      ofType(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule"),
      named(run, "alert-routing-k8s-alertmanager-config"),
      run.outputs,
    ]);
    assert.doesNotMatch(plain, /test-secret\/|integration-key-of-/);
    assert.ok(!Object.values(run.outputs).some(isSecretValue));
    assert.match(
      JSON.stringify(named(run, "alert-routing-k8s-alertmanager-secrets")),
      /test-secret\/.*integration-key-of-|integration-key-of-.*test-secret\//,
    );
  });
});

describe("the prod program: PagerDuty", () => {
  const teams = () => run.stackFile.values.teams as TeamConfig[];

  it("declares resources per team, never per alert", () => {
    const counts = Object.fromEntries(
      Object.entries(PD).map(([key, type]) => [key, ofType(run, type).length]),
    );
    assert.deepEqual(counts, {
      team: teams().length,
      // prod's account is in use: everyone is looked up (no pagerduty.createUsers, no existing: false).
      user: 0,
      membership: teams().reduce((sum, team) => sum + team.members.length, 0),
      // Every team has a rotation: five owners paged 24x7, and the executive for SEV1.
      schedule: teams().length,
      // One policy and one service per paging team, and a SEV1 variant only for the teams that one
      // of healthcare's P1 alerts reaches: platform (the service down) and AI engineering (FTL).
      policy: 7,
      service: 7,
      integration: 7,
      slackConnection: 0,
    });
    assert.equal(ofType(run, "agent-alert-routing:pagerduty:TeamOnCall").length, teams().length);
  });

  it("looks up every member and secondary responder by e-mail, once each, and creates nobody", () => {
    const people = new Set(
      teams().flatMap((team) => [
        ...team.members.map((member) => member.email.toLowerCase()),
        ...(team.escalation?.secondary ?? []).map((email) => email.toLowerCase()),
      ]),
    );
    const tokens = new Set(run.lookups.map((lookup) => lookup.token));
    assert.deepEqual([...tokens], ["pagerduty:index/getUser:getUser"]);
    const asked = run.lookups.map((lookup) => String(lookup.inputs.email).toLowerCase());
    assert.deepEqual([...asked].sort(), [...people].sort());
    assert.equal(ofType(run, PD.user).length, 0);
    // Each membership names the looked-up id, as the provider's getUser answers it.
    for (const membership of ofType(run, PD.membership)) {
      assert.match(String(membership.inputs.userId), /^getUser-\{"email":"[^"]+"\}$/, membership.name);
    }
  });

  it("outputs how many of each PagerDuty object it manages, as many as it declares", () => {
    assert.deepEqual(run.outputs.pagerduty, {
      teams: ofType(run, PD.team).length,
      services: ofType(run, PD.service).length,
      integrations: ofType(run, PD.integration).length,
      businessServices: ofType(run, "pagerduty:index/businessService:BusinessService").length,
      usersLookedUp: new Set(run.lookups.map((lookup) => String(lookup.inputs.email).toLowerCase())).size,
      usersCreated: ofType(run, PD.user).length,
    });
  });

  it("parents each team's PagerDuty objects to its TeamOnCall and its schedule to its rotation", () => {
    for (const type of [PD.team, PD.policy, PD.service, PD.integration, PD.membership]) {
      for (const resource of ofType(run, type)) {
        assert.match(
          resource.parent ?? "",
          /^agent-alert-routing:pagerduty:TeamOnCall::alert-routing-/,
          resource.name,
        );
      }
    }
    for (const resource of ofType(run, PD.schedule)) {
      assert.match(resource.parent ?? "", /^agent-alert-routing:pagerduty:OnCallRotation::/, resource.name);
    }
  });

  it("rotates each team weekly over its members, without restrictions in 24x7 coverage", () => {
    const schedule = named(run, "alert-routing-ai-eng-rotation-schedule").inputs as unknown as ScheduleInputs;
    assert.equal(schedule.name, "AI Engineering on-call");
    assert.equal(schedule.timeZone, "America/New_York");
    assert.deepEqual(schedule.teams, ["alert-routing-ai-eng-team-id"]);
    const [layer] = schedule.layers;
    assert.equal(schedule.layers.length, 1);
    assert.equal(layer.rotationTurnLengthSeconds, 7 * 86400);
    assert.equal(
      layer.rotationVirtualStart,
      "2024-01-01T10:00:00-05:00",
      "Monday 10:00, the configured hand-off",
    );
    assert.deepEqual(layer.users, [
      'getUser-{"email":"dana.levi@callsphere.example"}',
      'getUser-{"email":"emeka.obi@callsphere.example"}',
      'getUser-{"email":"farah.haddad@callsphere.example"}',
    ]);
    assert.equal(layer.restrictions, undefined);
  });

  it("escalates from the schedule to the secondary responders, with the configured delay and loops", () => {
    const policy = named(run, "alert-routing-ai-eng-policy").inputs;
    assert.equal(policy.numLoops, 2);
    assert.equal(policy.teams, "alert-routing-ai-eng-team-id");
    assert.deepEqual(policy.rules, [
      {
        escalationDelayInMinutes: 10,
        targets: [{ type: "schedule_reference", id: "alert-routing-ai-eng-rotation-schedule-id" }],
      },
      {
        escalationDelayInMinutes: 10,
        targets: [{ type: "user_reference", id: 'getUser-{"email":"ml-lead@callsphere.example"}' }],
      },
    ]);
  });

  it("ends every SEV1 policy at the executive's rotation within the configured minutes", () => {
    const within = (run.stackFile.values.pagerduty as { sev1ExecutiveWithinMinutes: number })
      .sev1ExecutiveWithinMinutes;
    const sev1 = ofType(run, PD.policy).filter((policy) => policy.name.endsWith("-policy-sev1"));
    assert.deepEqual(sev1.map((policy) => policy.name).sort(), [
      "alert-routing-ai-eng-policy-sev1",
      "alert-routing-platform-policy-sev1",
    ]);
    for (const policy of sev1) {
      const rules = (
        policy.inputs as { rules: { escalationDelayInMinutes: number; targets: { id: string }[] }[] }
      ).rules;
      const last = rules[rules.length - 1];
      assert.deepEqual(last.targets, [
        { type: "schedule_reference", id: "alert-routing-exec-rotation-schedule-id" },
      ]);
      const reached = rules.slice(0, -1).reduce((sum, rule) => sum + rule.escalationDelayInMinutes, 0);
      assert.ok(reached <= within, `${policy.name} reaches the executive after ${reached} minutes`);
    }
  });

  it("gives each service its policy, high urgency around the clock, and deliberate timeouts", () => {
    const service = named(run, "alert-routing-ai-eng-service-ai-eng").inputs;
    assert.equal(service.escalationPolicy, "alert-routing-ai-eng-policy-id");
    assert.deepEqual(service.incidentUrgencyRule, { type: "constant", urgency: "high" });
    assert.equal(service.autoResolveTimeout, "14400");
    assert.equal(service.acknowledgementTimeout, "1800");
    assert.equal(service.supportHours, undefined);
    const sev1 = named(run, "alert-routing-ai-eng-service-ai-eng-sev1").inputs;
    assert.equal(sev1.escalationPolicy, "alert-routing-ai-eng-policy-sev1-id");
    const integration = named(run, "alert-routing-ai-eng-service-ai-eng-events").inputs;
    assert.deepEqual(integration, {
      name: "Alertmanager (Events API v2)",
      service: "alert-routing-ai-eng-service-ai-eng-id",
      type: "events_api_v2_inbound_integration",
    });
  });

  it("groups each service's alerts, team and SEV1 services alike, in prod's 5-minute window", () => {
    const services = ofType(run, PD.service);
    assert.ok(services.some((service) => service.name.endsWith("-sev1")));
    assert.ok(services.some((service) => !service.name.endsWith("-sev1")));
    for (const service of services) {
      assert.deepEqual(
        service.inputs.alertGroupingParameters,
        { type: "time", config: { timeout: 5 } },
        service.name,
      );
      // The deprecated fields would fight the parameters over the same setting.
      assert.ok(!("alertGrouping" in service.inputs), service.name);
      assert.ok(!("alertGroupingTimeout" in service.inputs), service.name);
    }
  });

  it("protects services, escalation policies and schedules, as the prod config asks", () => {
    for (const type of [PD.service, PD.policy, PD.schedule]) {
      for (const resource of ofType(run, type)) assert.equal(resource.protect, true, resource.name);
    }
    assert.ok(!ofType(run, PD.user).some((resource) => resource.protect));
  });

  it("manages a Slack channel for each team some receiver posts to, with the token as a secret, and exports per-team ids", () => {
    const channels = ofType(run, "pulumi-nodejs:dynamic:Resource");
    // The executive team is reached only through the SEV1 policies, so nothing would write to #sev1-exec.
    assert.deepEqual(
      channels.map((channel) => channel.inputs.name).sort(),
      teams()
        .filter((team) => team.id !== "exec")
        .map((team) => {
          const config = team as TeamConfig & { slackChannel: string };
          return config.slackChannel.slice(1);
        })
        .sort(),
    );
    assert.ok(!channels.some((channel) => channel.inputs.name === "sev1-exec"));
    for (const channel of channels) {
      assert.ok(isSecretValue(channel.inputs.token), `${channel.name} token must be secret`);
      assert.equal(unwrap(channel.inputs.token), testSecret("slackToken"));
    }
    const exported = run.outputs.teams as Record<
      string,
      { serviceIds: Record<string, string>; slackChannel: { name: string } }
    >;
    assert.deepEqual(exported["crm-owners"].serviceIds, {
      "crm-owners": "alert-routing-crm-owners-service-crm-owners-id",
    });
    assert.equal(exported["crm-owners"].slackChannel.name, "oncall-crm");
    assert.match(run.outputs.summary as string, /## On call/);
  });
});
