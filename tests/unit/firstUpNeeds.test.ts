// What the first `pulumi up` of a stack needs from the accounts it runs against, as the summary lists
// it and `npm run preflight` checks it: the people PagerDuty must already know (not those the stack
// creates), the secrets, the services whose names must be free, and the cluster it deploys to.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildModel } from "../../input/model";
import { firstUpNeeds } from "../../plan/firstUp";
import { buildPlan } from "../../plan/plan";
import { baseConfig, makeInput } from "./fixtures";

function needs(edit: (config: Record<string, unknown>) => void) {
  const config = baseConfig();
  edit(config);
  return firstUpNeeds(buildPlan(buildModel(makeInput(config))));
}

type Team = { members: { email: string; existing?: boolean }[] };

describe("what a stack's first up needs", () => {
  const first = needs((config) => {
    const teams = config.teams as Team[];
    teams[0].members[1].existing = false;
    config.kubernetes = {
      ...(config.kubernetes as object),
      kubeconfigPath: "/etc/kube/prod.yaml",
      context: "prod-east",
    };
  });

  it("looks up only the people PagerDuty must already know", () => {
    assert.equal(
      first.lookedUpUsers.includes("ben.okafor@callsphere.example"),
      false,
      "created by the stack",
    );
    for (const email of [
      "ana.ruiz@callsphere.example",
      "chen.wei@callsphere.example",
      "ceo@callsphere.example",
    ])
      assert.ok(first.lookedUpUsers.includes(email), email);
  });

  it("lists each PagerDuty service the stack creates, with its team", () => {
    // healthcare escalates SEV1s, and only platform owns a P1 alert: platform alone gets a SEV1 service.
    assert.deepEqual(first.services, [
      { name: "Platform", team: "platform" },
      { name: "Platform SEV1", team: "platform" },
      { name: "AI Engineering", team: "ai-eng" },
    ]);
  });

  it("lists every secret the program reads, and where it deploys", () => {
    assert.deepEqual(first.secrets, [
      { configKey: "slackToken" },
      { configKey: "heartbeatToken" },
      { configKey: "slackWebhookUrls", field: "ai-eng" },
      { configKey: "slackWebhookUrls", field: "platform" },
      { configKey: "smtpPassword" },
      { configKey: "bridgeWebhookSecret" },
    ]);
    assert.deepEqual(first.kubernetes, {
      namespace: "monitoring",
      namespaceExists: true,
      kubeconfigPath: "/etc/kube/prod.yaml",
      context: "prod-east",
    });
  });
});
