// The mock engine returns what the providers return: a Secret comes back with base64 `data` and no
// `stringData`, its secrets still secret; every other resource with its inputs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { answerLookup, providerState, SECRET_SIG, SIG_KEY } from "../../cli/mockEngine";
import { RESOURCE_TYPES } from "../../core/conventions";

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });
const base64 = (text: string) => Buffer.from(text).toString("base64");

describe("the mock engine's provider state", () => {
  it("folds a Secret's stringData into base64 data, keeping secrets secret", () => {
    const state = providerState(RESOURCE_TYPES.secret, {
      metadata: { name: "keys" },
      stringData: { "a.key": secret("value-a"), "b.txt": "plain" },
    });
    assert.deepEqual(state, {
      metadata: { name: "keys" },
      data: { "a.key": secret(base64("value-a")), "b.txt": base64("plain") },
    });
  });

  it("keeps a Secret whose whole stringData is one secret a secret", () => {
    const state = providerState(RESOURCE_TYPES.secret, { stringData: secret({ "a.key": "value-a" }) });
    assert.deepEqual(state, { data: secret({ "a.key": base64("value-a") }) });
  });

  it("returns any other resource as declared", () => {
    const inputs = { metadata: { name: "rules" }, data: { "x.yaml": "groups: []" } };
    assert.equal(providerState(RESOURCE_TYPES.configMap, inputs), inputs);
  });
});

describe("the mock engine's lookups", () => {
  const existing = () => new Set(["ceo@callsphere.example"]);
  const GET_USER = "pagerduty:index/getUser:getUser";

  it("finds a user the stack declares as existing, whatever the case of the address", () => {
    const answer = answerLookup(GET_USER, { email: "CEO@callsphere.example" }, existing);
    assert.equal(answer?.email, "CEO@callsphere.example");
    assert.equal(typeof answer?.id, "string");
  });

  it("answers nothing for anyone else, nor for a data source it does not know", () => {
    assert.equal(answerLookup(GET_USER, { email: "new.hire@callsphere.example" }, existing), undefined);
    assert.equal(answerLookup("pagerduty:index/getTeam:getTeam", { name: "Platform" }, existing), undefined);
  });
});
