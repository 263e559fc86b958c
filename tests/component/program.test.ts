// The real program under the mock engine: what it declares, how secrets flow, what stays plain.
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import yaml from "js-yaml";
import { type DeclaredResource, isSecretValue, type ProgramRun, runProgram } from "../../cli/mockEngine";
import { withSecrets } from "../../cli/render";
import { readStackFile } from "../../cli/stackFile";
import { PROJECT_DIR } from "../support/tools";

const secretValue = (key: string, field?: string) => `test-secret/${key}/${field ?? "-"}`;
const stackFile = withSecrets("prod", readStackFile(path.join(PROJECT_DIR, "Pulumi.prod.yaml")), secretValue);

let program: ProgramRun;
const ofType = (type: string): DeclaredResource[] =>
  program.resources.filter((resource) => resource.type === type);
const configMaps = () => ofType("kubernetes:core/v1:ConfigMap");

before(async () => {
  program = await runProgram("prod", stackFile.values, stackFile.secretKeys);
});

describe("the prod program under the mock engine", () => {
  it("declares one top component, a ConfigMap per vertical, the Alertmanager ConfigMap and one Secret", () => {
    assert.equal(ofType("agent-alert-routing:routing:AlertRouting").length, 1);
    const verticals = (stackFile.values.verticals as { id: string }[]).map((vertical) => vertical.id);
    const ruleMaps = configMaps().filter((resource) => resource.name.startsWith("alert-routing-rules-"));
    assert.deepEqual(
      ruleMaps.map((resource) => resource.name.slice("alert-routing-rules-".length)).sort(),
      [...verticals].sort(),
    );
    assert.equal(configMaps().length, verticals.length + 1);
    assert.equal(ofType("kubernetes:core/v1:Secret").length, 1);
    for (const resource of program.resources.slice(1)) {
      assert.equal(resource.parent, "agent-alert-routing:routing:AlertRouting::alert-routing", resource.name);
    }
  });

  it("gives each vertical's ConfigMap its rule file and its route subtree", () => {
    for (const resource of configMaps().filter((candidate) =>
      candidate.name.startsWith("alert-routing-rules-"),
    )) {
      const vertical = resource.name.slice("alert-routing-rules-".length);
      const data = resource.inputs.data as Record<string, string>;
      const rules = yaml.load(data[`${vertical}.rules.yaml`]) as { groups: { name: string }[] };
      assert.ok(
        rules.groups.every((group) => group.name.startsWith(`${vertical}-`)),
        vertical,
      );
      const route = yaml.load(data[`${vertical}.route.yaml`]) as { matchers: string[] };
      assert.deepEqual(route.matchers, [`vertical="${vertical}"`]);
    }
  });

  it("puts every key file the Alertmanager config names into the Secret, with the right secret", () => {
    const alertmanager = configMaps().find((resource) => resource.name === "alert-routing-alertmanager");
    assert.ok(alertmanager, "the Alertmanager ConfigMap is not declared");
    const text = (alertmanager.inputs.data as Record<string, string>)["alertmanager.yaml"];
    const referenced = [...text.matchAll(/_file: (\S+)/g)].map((match) => match[1]);
    assert.ok(referenced.length > 0);
    const secret = ofType("kubernetes:core/v1:Secret")[0];
    assert.ok(isSecretValue(secret.inputs.stringData), "stringData must be a secret");
    const files = (secret.inputs.stringData as { value: Record<string, unknown> }).value;
    const unwrap = (value: unknown) => (isSecretValue(value) ? value.value : value);
    for (const reference of referenced) {
      assert.equal(path.dirname(reference), "/etc/alertmanager/secrets");
      assert.ok(path.basename(reference) in files, `${reference} is not in the Secret`);
    }
    assert.equal(unwrap(files["pagerduty-ai-eng.key"]), secretValue("pagerdutyRoutingKeys", "ai-eng"));
    assert.equal(
      unwrap(files["pagerduty-ai-eng-sev1.key"]),
      secretValue("pagerdutyRoutingKeys", "ai-eng-sev1"),
    );
    assert.equal(unwrap(files["slack-crm-owners.url"]), secretValue("slackWebhookUrls", "crm-owners"));
    assert.equal(unwrap(files["smtp-password"]), secretValue("smtpPassword"));
    assert.equal(unwrap(files["heartbeat-token"]), secretValue("heartbeatToken"));
  });

  it("never puts a secret value in a ConfigMap or a stack output", () => {
    const plain = JSON.stringify([configMaps(), program.outputs]);
    assert.doesNotMatch(plain, /test-secret\//);
    assert.ok(!Object.values(program.outputs).some(isSecretValue));
    assert.match(
      JSON.stringify(ofType("kubernetes:core/v1:Secret")),
      /test-secret\//,
      "the check above can fail",
    );
  });

  it("exports the verticals, receivers and a summary", () => {
    assert.deepEqual(program.outputs.verticals, [
      "healthcare",
      "real-estate",
      "sales",
      "after-hours",
      "salon",
      "it-helpdesk",
    ]);
    assert.ok((program.outputs.receivers as string[]).includes("crm-owners"));
    assert.match(program.outputs.summary as string, /## Who gets which alert/);
  });
});
