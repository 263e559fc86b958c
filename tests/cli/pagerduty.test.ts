// PagerDuty objects through the render, as users run it: they scale with teams, not alerts, and the
// stacks never collide in the one PagerDuty account they share.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import type { DeclaredResource } from "../../cli/mockEngine";
import { PROJECT_DIR, renderStack, tempDir } from "../support/tools";

const out = tempDir("pagerduty-cli");
const resources = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, "resources.json"), "utf8")) as DeclaredResource[];
const countByType = (list: DeclaredResource[]) => {
  const counts: Record<string, number> = {};
  for (const resource of list) {
    if (resource.type.startsWith("pagerduty:") || resource.type === "pulumi-nodejs:dynamic:Resource") {
      counts[resource.type] = (counts[resource.type] ?? 0) + 1;
    }
  }
  return counts;
};
const alertNames = (dir: string) =>
  fs
    .readdirSync(path.join(dir, "rules"))
    .filter((file) => !file.endsWith(".test.yaml"))
    .map(
      (file) =>
        yaml.load(fs.readFileSync(path.join(dir, "rules", file), "utf8")) as {
          groups: { rules: { alert?: string }[] }[];
        },
    )
    .flatMap((file) => file.groups.flatMap((group) => group.rules))
    .flatMap((rule) => (rule.alert ? [rule.alert] : []));

/** The prod stack with every catalogue ten times larger: each alert copied nine times under new names. */
function tenfoldStack(): string {
  const dir = tempDir("tenfold");
  const stack = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const verticals = stack.config["agent-alert-routing:verticals"] as { id: string; catalogue: string }[];
  for (const vertical of verticals) {
    const catalogue = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, vertical.catalogue), "utf8")) as {
      groups: { rules: { alert?: string }[] }[];
    };
    for (const group of catalogue.groups) {
      group.rules = group.rules.flatMap((rule) =>
        rule.alert === undefined || rule.alert === "Watchdog"
          ? [rule]
          : [
              rule,
              ...Array.from({ length: 9 }, (_, copy) => ({ ...rule, alert: `${rule.alert}Copy${copy + 1}` })),
            ],
      );
    }
    vertical.catalogue = path.join(dir, `${vertical.id}.yaml`);
    fs.writeFileSync(vertical.catalogue, yaml.dump(catalogue));
  }
  const file = path.join(dir, "Pulumi.tenfold.yaml");
  fs.writeFileSync(file, yaml.dump(stack));
  return file;
}

describe("PagerDuty through the render", () => {
  const prod = renderStack("prod", out);
  const staging = renderStack("staging", out);

  it("declares the same PagerDuty and Slack resources for a catalogue ten times larger", () => {
    const tenfold = renderStack("tenfold", out, ["--config", tenfoldStack()]);
    // Every catalogue alert but the Watchdogs gains nine copies; generated SLO and customer-tier alerts,
    // and the alerts about the alerting, do not.
    const copies = alertNames(tenfold).filter((name) => /Copy\d$/.test(name)).length;
    const catalogued = alertNames(prod).filter(
      (name) =>
        name !== "Watchdog" &&
        !/Burn$/.test(name) &&
        !/CustomerTiersUnknown$/.test(name) &&
        !name.startsWith("Alerting"),
    ).length;
    assert.equal(copies, 9 * catalogued, `${copies} copies of ${catalogued} catalogue alerts`);
    assert.deepEqual(countByType(resources(tenfold)), countByType(resources(prod)));
  });

  it("gives staging and prod PagerDuty names, Slack channels and mailboxes that never collide", () => {
    const names = (dir: string) =>
      new Set(
        resources(dir)
          .filter(
            (resource) =>
              resource.type.startsWith("pagerduty:") || resource.type === "pulumi-nodejs:dynamic:Resource",
          )
          // An integration's name is scoped to its service; everything else is named account-wide.
          .filter((resource) => resource.type !== "pagerduty:index/serviceIntegration:ServiceIntegration")
          .filter((resource) => typeof resource.inputs.name === "string")
          .map((resource) => `${resource.type} ${resource.inputs.name}`),
      );
    const prodNames = names(prod);
    const shared = [...names(staging)].filter((name) => prodNames.has(name));
    assert.ok(prodNames.size > 20);
    assert.deepEqual(shared, []);
    const createdUsers = (dir: string) =>
      resources(dir)
        .filter((resource) => resource.type === "pagerduty:index/user:User")
        .map((resource) => resource.inputs.email);
    assert.deepEqual(
      createdUsers(staging).filter((email) => createdUsers(prod).includes(email)),
      [],
    );
    // A staging alert never lands in a prod team's mailbox: every e-mail receiver writes to its own.
    const mailboxes = (dir: string) =>
      new Set(
        [...fs.readFileSync(path.join(dir, "alertmanager.yaml"), "utf8").matchAll(/^\s+- to: (\S+)$/gm)].map(
          (match) => match[1],
        ),
      );
    assert.ok(mailboxes(staging).size >= 5, [...mailboxes(staging)].join(", "));
    assert.deepEqual(
      [...mailboxes(staging)].filter((mailbox) => mailboxes(prod).has(mailbox)),
      [],
    );
  });

  it("connects each service to its team's Slack channel when a workspace id is configured", () => {
    const dir = tempDir("workspace");
    const stack = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")) as {
      config: Record<string, Record<string, unknown>>;
    };
    stack.config["agent-alert-routing:pagerduty"].slackWorkspaceId = "T0123ABCD";
    fs.writeFileSync(path.join(dir, "Pulumi.workspace.yaml"), yaml.dump(stack));
    const list = resources(
      renderStack("workspace", out, ["--config", path.join(dir, "Pulumi.workspace.yaml")]),
    );
    const services = list.filter((resource) => resource.type === "pagerduty:index/service:Service");
    const connections = list.filter(
      (resource) => resource.type === "pagerduty:index/slackConnection:SlackConnection",
    );
    assert.equal(connections.length, services.length);
    const platform = connections.find(
      (resource) => resource.inputs.sourceId === "alert-routing-platform-service-platform-id",
    );
    assert.ok(platform, "the platform service has no Slack connection");
    assert.equal(platform.inputs.channelId, "C-alert-routing-platform-slack");
    assert.equal(platform.inputs.workspaceId, "T0123ABCD");
    assert.equal(platform.inputs.sourceType, "service_reference");
    assert.equal(countByType(resources(prod))["pagerduty:index/slackConnection:SlackConnection"], undefined);
  });

  it("shows integration keys and the Slack token only masked in resources.json", () => {
    const text = fs.readFileSync(path.join(prod, "resources.json"), "utf8");
    assert.doesNotMatch(text, /integration-key-of-/);
    const secret = resources(prod).find(
      (resource) => resource.name === "alert-routing-k8s-alertmanager-secrets",
    );
    const files = secret?.inputs.stringData as Record<string, string>;
    assert.equal(files["pagerduty-platform.key"], "[secret]");
    for (const channel of resources(prod).filter(
      (resource) => resource.type === "pulumi-nodejs:dynamic:Resource",
    )) {
      assert.equal(channel.inputs.token, "[secret]");
      assert.match(String(channel.inputs.__provider), /^\[dynamic provider code, \d+ bytes\]$/);
    }
  });
});
