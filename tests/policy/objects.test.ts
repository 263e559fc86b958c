// The object policies on small hand-made stacks: which values count as secrets (a Secret's files, a
// resource's provider token, from the configured length up, never the Alertmanager config itself),
// where a leak is named, and how a ConfigMap's or Secret's size is counted.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ALERTMANAGER_CONFIG_KEY, RESOURCE_TYPES, VERTICAL_LABEL } from "../../core/conventions";
import { noPlainSecretsPolicy, objectSizePolicy } from "../../policies/objects";
import { policyMessages, resource } from "../support/handMadeStack";

const messages = policyMessages;

const secret = (data: Record<string, string>) =>
  resource(RESOURCE_TYPES.secret, "keys", { stringData: data });
const configMap = (name: string, data: Record<string, string>, labels: Record<string, string> = {}) =>
  resource(RESOURCE_TYPES.configMap, name, { metadata: { labels }, data });
const rules = (vertical: string | undefined, rule: Record<string, unknown>) =>
  resource(RESOURCE_TYPES.prometheusRule, "rules", {
    metadata: { labels: vertical ? { [VERTICAL_LABEL]: vertical } : {} },
    spec: { groups: [{ name: "g", rules: [rule] }] },
  });

describe("no-plain-secrets", () => {
  it("counts a Secret's files from eight characters up, and the policy's own length when configured", () => {
    const leaked = (value: string, config?: object) =>
      messages(
        noPlainSecretsPolicy,
        [secret({ key: value }), configMap("settings", { note: `x ${value} x` })],
        config,
      );
    assert.deepEqual(leaked("8chars!!"), ["ConfigMap settings contains a secret value."]);
    assert.deepEqual(leaked("7chars!"), []);
    assert.deepEqual(leaked("7chars!", { minSecretLength: 7 }), [
      "ConfigMap settings contains a secret value.",
    ]);
  });

  it("counts a resource's provider token as a secret, though no Secret holds it", () => {
    const token = "slack-bot-token-0042";
    const channel = resource("pulumi-nodejs:dynamic:Resource", "channel", { name: "alerts", token });
    assert.deepEqual(messages(noPlainSecretsPolicy, [channel, configMap("settings", { token })]), [
      "ConfigMap settings contains a secret value.",
    ]);
    assert.deepEqual(messages(noPlainSecretsPolicy, [configMap("settings", { token })]), []);
  });

  it("does not count the Alertmanager config a Secret holds, which names secrets by file only", () => {
    const config = "route:\n  receiver: platform\n";
    assert.deepEqual(
      messages(noPlainSecretsPolicy, [
        secret({ [ALERTMANAGER_CONFIG_KEY]: config }),
        configMap("copy", { [ALERTMANAGER_CONFIG_KEY]: config }),
      ]),
      [],
    );
  });

  it("names the field of a rule that holds a secret, an alert's or a recording rule's, and its vertical", () => {
    const value = "routing-key-0123456789";
    assert.deepEqual(
      messages(noPlainSecretsPolicy, [
        secret({ key: value }),
        rules("sales", { alert: "SalesX", expr: `up{k="${value}"}` }),
      ]),
      ["Alert SalesX in sales: expr contains a secret value."],
    );
    assert.deepEqual(
      messages(noPlainSecretsPolicy, [
        secret({ key: value }),
        rules(undefined, { record: "x:y", expr: `sum(${value})` }),
      ]),
      ["Recording rule x:y in : expr contains a secret value."],
    );
    assert.deepEqual(
      messages(noPlainSecretsPolicy, [
        rules("sales", {
          alert: "SalesX",
          expr: "up",
          labels: { hook: "https://hooks.slack.com/services/T0/B0/x" },
        }),
      ]),
      ["Alert SalesX in sales: labels.hook contains a secret value (hooks\\.slack\\.com\\/services\\/)."],
    );
    assert.deepEqual(
      messages(noPlainSecretsPolicy, [
        rules("sales", { alert: "SalesX", expr: "up", labels: { bot: "xoxb-1-abc" } }),
      ]),
      ["Alert SalesX in sales: labels.bot contains a secret value (\\bxox[abpr]-[A-Za-z0-9-]+)."],
    );
  });

  it("names the object when the leak is outside its rules, in any nested list or map", () => {
    const value = "smtp-password-987654";
    const leaky = resource(RESOURCE_TYPES.prometheusRule, "rules", {
      metadata: { labels: { [VERTICAL_LABEL]: "sales" }, finalizers: ["keep", value] },
      spec: { groups: [{ name: "g", rules: [{ alert: "SalesX", expr: "up" }] }] },
    });
    assert.deepEqual(messages(noPlainSecretsPolicy, [secret({ key: value }), leaky]), [
      "PrometheusRule rules contains a secret value.",
    ]);
  });
});

describe("objects-under-1mib", () => {
  it("counts every key and value of data, stringData and binaryData, and refuses only what is over the limit", () => {
    const sized = (props: Record<string, unknown>) =>
      messages(objectSizePolicy, [resource(RESOURCE_TYPES.configMap, "big", props)], { limitBytes: 10 });
    assert.deepEqual(sized({ data: { ab: "12345678" } }), []);
    assert.deepEqual(sized({ data: { ab: "123456789" } }), ["ConfigMap big holds 11 bytes, over 10."]);
    assert.deepEqual(sized({ data: { ab: "1234" }, stringData: { c: "1" }, binaryData: { d: "1" } }), []);
    assert.deepEqual(sized({ data: { ab: "1234" }, stringData: { c: "1" }, binaryData: { d: "12" } }), [
      "ConfigMap big holds 11 bytes, over 10.",
    ]);
    // Bytes, not characters.
    assert.deepEqual(sized({ data: { é: "12345678" } }), []);
    assert.deepEqual(sized({ data: { é: "123456789" } }), ["ConfigMap big holds 11 bytes, over 10."]);
  });
});
