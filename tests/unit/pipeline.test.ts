// The one pipeline: a stack is compiled once per process and shared by every caller that asks with
// the same input; a different input, a caller's own file reader or a failure is never shared.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../core/errors";
import { compileRouting, compileStack, type StackInput } from "../../pipeline/compile";
import { stackInput } from "../support/stack";

function input(
  change: (config: Record<string, Record<string, unknown>>) => void = () => undefined,
): StackInput {
  const { stack, stackFile, config } = stackInput("staging");
  change(config as Record<string, Record<string, unknown>>);
  return { stack, stackFile, config };
}

describe("compileStack", () => {
  it("answers the same input, read twice, with the one compiled stack", async () => {
    const first = await compileStack(input());
    const second = await compileStack(input());
    assert.equal(second, first);
    assert.equal(compileRouting(input()).model, first.model);
    assert.equal(first.objects.alertmanagerConfigMap?.data["alertmanager.yaml"], first.alertmanager.yaml);
  });

  it("compiles a changed config anew", async () => {
    const first = await compileStack(input());
    const changed = await compileStack(
      input((config) => {
        config.alertmanager.resolveTimeout = "4m";
      }),
    );
    assert.notEqual(changed, first);
    assert.match(changed.alertmanager.yaml, /resolve_timeout: 4m/);
  });

  it("never shares what a caller's own file reader produced", async () => {
    const { readFile } = stackInput("staging");
    const own = await compileStack({ ...input(), readFile });
    assert.notEqual(own, await compileStack(input()));
  });

  it("fails on bad input each time it is asked, naming the field", async () => {
    const bad = () =>
      input((config) => {
        config.alertmanager.resolveTimeout = "soon";
      });
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(compileStack(bad()), (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.match(error.message, /agent-alert-routing:alertmanager\.resolveTimeout: "soon"/);
        return true;
      });
    }
  });

  it("checks the secrets the plan needs when told what the stack holds", async () => {
    await assert.rejects(
      compileStack(input(), () => undefined),
      /agent-alert-routing:slackToken: is not set; set it with `pulumi config set --secret slackToken <value>`/,
    );
  });

  it("lists in the summary what the first pulumi up depends on, from the plan", async () => {
    const { plan, summary } = await compileStack(input());
    const section = summary.slice(summary.indexOf("## What the first `pulumi up` depends on"));
    for (const user of plan.onCall.users) {
      assert.equal(section.includes(`- ${user.email}\n`), user.existing, user.email);
    }
    for (const { configKey, field } of plan.secretInputs) {
      assert.ok(
        section.includes(field === undefined ? `--secret ${configKey} ` : `'${configKey}.${field}'`),
        configKey,
      );
    }
    const namespace = plan.kubernetes.namespaceExists ? "must already exist" : "must not exist yet";
    assert.match(section, new RegExp(`namespace \`${plan.kubernetes.namespace}\` ${namespace}`));
  });
});
