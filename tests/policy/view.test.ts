// The policies read declared objects in the forms an engine hands them over: a Secret's files as
// `stringData` (the mock engine, which returns inputs) or as base64 `data` (a real stack policy,
// which sees the provider's outputs), and values a preview does not know yet.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RESOURCE_TYPES } from "../../core/conventions";
import { runPolicies } from "../../policies/run";
import { buildView, type PolicyResourceLike, secretData } from "../../policies/view";

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

function resource(type: string, name: string, props: Record<string, unknown>): PolicyResourceLike {
  return { type, name, urn: `urn:test::${name}`, props, opts: { protect: false } };
}

const CONFIG = "route:\n  receiver: platform-unrouted\nreceivers:\n  - name: platform-unrouted\n";

describe("the policies' view of declared objects", () => {
  it("reads a Secret's files from base64 data as from stringData, stringData winning", () => {
    const secret = resource(RESOURCE_TYPES.secret, "keys", {
      data: { "a.key": base64("from-data"), "b.key": base64("old") },
      stringData: { "b.key": "new" },
    });
    assert.deepEqual(secretData(secret), { "a.key": "from-data", "b.key": "new" });
  });

  it("finds the Alertmanager config in a Secret that holds it as base64 data", () => {
    const view = buildView([
      resource(RESOURCE_TYPES.secret, "config", { data: { "alertmanager.yaml": base64(CONFIG) } }),
    ]);
    assert.equal(view.alertmanager?.config.route.receiver, "platform-unrouted");
  });

  it("leaves out a value the engine does not know yet, rather than reading it as text", () => {
    const secret = resource(RESOURCE_TYPES.secret, "keys", {
      stringData: { "known.key": "value-1234", "unknown.key": undefined },
    });
    assert.deepEqual(secretData(secret), { "known.key": "value-1234" });
  });

  it("catches a secret leaked into a ConfigMap when the Secret holds it as base64 data", () => {
    const token = "integration-key-0123456789";
    const leaked = runPolicies([
      resource(RESOURCE_TYPES.secret, "keys", { data: { "pagerduty.key": base64(token) } }),
      resource(RESOURCE_TYPES.configMap, "leaky", { data: { "notes.txt": `key is ${token}` } }),
    ]).filter((violation) => violation.policy === "no-plain-secrets");
    assert.deepEqual(
      leaked.map((violation) => violation.resource),
      ["leaky"],
    );
  });
});
