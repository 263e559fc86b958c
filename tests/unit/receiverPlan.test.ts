// The receivers the route tree names, and the Secret files they read: each qualifier's channels, as
// core/conventions documents them (page and Slack; Slack only; Slack and e-mail; e-mail only; the
// heartbeat; nothing), written out here by hand rather than read from the code under test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildModel } from "../../input/model";
import { buildReceivers, buildSecretFiles, buildSecretInputs } from "../../plan/receivers";
import type { RoutePlan } from "../../plan/routes";
import { makeInput } from "./fixtures";

const model = buildModel(makeInput());
const HEARTBEAT_URL = "https://heartbeat.callsphere.example/ping/alertmanager-prod";

/** A route tree naming `receivers`, nested so that receivers below the root are collected too. */
function tree(receivers: string[]): RoutePlan {
  const [root, ...rest] = receivers;
  return {
    matchers: [],
    receiver: root,
    routes: [{ matchers: [], routes: rest.map((receiver) => ({ matchers: [], receiver })) }],
  };
}

const platformSlack = { channel: "#oncall-platform", webhookFile: "slack-platform.url" };
const aiSlack = { channel: "#oncall-ai-eng", webhookFile: "slack-ai-eng.url" };

describe("the receivers of a route tree", () => {
  it("gives each qualifier its own channels, sorted by name", () => {
    const receivers = buildReceivers(
      model,
      tree([
        "platform-unrouted",
        "platform",
        "platform-sev1",
        "platform-slack",
        "ai-eng-offhours",
        "ai-eng-email",
        "platform-heartbeat",
        "platform-blackhole",
        "platform-slack",
      ]),
    );
    assert.deepEqual(receivers, [
      {
        name: "ai-eng-email",
        team: "ai-eng",
        qualifier: "email",
        email: { to: "ai-eng-oncall@callsphere.example" },
      },
      {
        name: "ai-eng-offhours",
        team: "ai-eng",
        qualifier: "offhours",
        slack: aiSlack,
        email: { to: "ai-eng-oncall@callsphere.example" },
      },
      {
        name: "platform",
        team: "platform",
        qualifier: undefined,
        pagerduty: { service: "platform", keyFile: "pagerduty-platform.key" },
        slack: platformSlack,
      },
      { name: "platform-blackhole", team: "platform", qualifier: "blackhole" },
      {
        name: "platform-heartbeat",
        team: "platform",
        qualifier: "heartbeat",
        heartbeat: { url: HEARTBEAT_URL, tokenFile: "heartbeat-token" },
      },
      {
        name: "platform-sev1",
        team: "platform",
        qualifier: "sev1",
        pagerduty: { service: "platform-sev1", keyFile: "pagerduty-platform-sev1.key" },
        slack: platformSlack,
      },
      { name: "platform-slack", team: "platform", qualifier: "slack", slack: platformSlack },
      {
        name: "platform-unrouted",
        team: "platform",
        qualifier: "unrouted",
        slack: platformSlack,
        email: { to: "platform-oncall@callsphere.example" },
      },
    ]);
  });

  it("refuses a receiver whose team is not declared, naming it", () => {
    assert.throws(() => buildReceivers(model, tree(["platform", "ghosts-slack"])), {
      message: "receiver ghosts-slack names no team",
    });
  });
});

describe("the files of the Alertmanager Secret", () => {
  it("holds one file per key, each from the integration or the config value that fills it", () => {
    const receivers = buildReceivers(
      model,
      tree(["platform", "ai-eng-email", "platform-heartbeat", "ai-eng-slack", "platform-offhours"]),
    );
    const files = buildSecretFiles(receivers);
    assert.deepEqual(files, [
      { file: "heartbeat-token", source: "config", secret: { configKey: "heartbeatToken" } },
      { file: "pagerduty-platform.key", source: "integration", receiver: "platform" },
      {
        file: "slack-ai-eng.url",
        source: "config",
        secret: { configKey: "slackWebhookUrls", field: "ai-eng" },
      },
      {
        file: "slack-platform.url",
        source: "config",
        secret: { configKey: "slackWebhookUrls", field: "platform" },
      },
      { file: "smtp-password", source: "config", secret: { configKey: "smtpPassword" } },
    ]);
    assert.deepEqual(buildSecretInputs(files), [
      { configKey: "slackToken" },
      { configKey: "heartbeatToken" },
      { configKey: "slackWebhookUrls", field: "ai-eng" },
      { configKey: "slackWebhookUrls", field: "platform" },
      { configKey: "smtpPassword" },
    ]);
  });

  it("holds no SMTP password or heartbeat token when no receiver e-mails or beats", () => {
    const files = buildSecretFiles(buildReceivers(model, tree(["platform-sev1", "platform-blackhole"])));
    assert.deepEqual(files, [
      { file: "pagerduty-platform-sev1.key", source: "integration", receiver: "platform-sev1" },
      {
        file: "slack-platform.url",
        source: "config",
        secret: { configKey: "slackWebhookUrls", field: "platform" },
      },
    ]);
    assert.deepEqual(buildSecretInputs(files), [
      { configKey: "slackToken" },
      { configKey: "slackWebhookUrls", field: "platform" },
    ]);
  });

  it("sorts the files by name, whatever order the receivers come in", () => {
    const files = buildSecretFiles([
      { name: "z", team: "platform", heartbeat: { url: HEARTBEAT_URL, tokenFile: "heartbeat-token" } },
      { name: "a", team: "platform", email: { to: "x@example.com" } },
      { name: "m", team: "ai-eng", pagerduty: { service: "m", keyFile: "pagerduty-m.key" } },
    ]);
    assert.deepEqual(
      files.map((file) => file.file),
      ["heartbeat-token", "pagerduty-m.key", "smtp-password"],
    );
  });
});
