// `npm run render` as users run it: exit codes, messages without stack traces, nothing touched on error.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { PROJECT_DIR, runCli, tempDir } from "../support/tools";

const prod = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")) as {
  config: Record<string, unknown>;
};

function render(args: string[]) {
  return runCli("render", [...args]);
}

/** Writes a stack file: prod's config with `change` applied, under a temporary folder. */
function stackFile(
  stack: string,
  change: (config: Record<string, unknown>) => void,
): { dir: string; file: string } {
  const dir = tempDir("render-cli");
  const config = structuredClone(prod.config);
  change(config);
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, yaml.dump({ config }));
  return { dir, file };
}

function assertCleanFailure(result: ReturnType<typeof render>, message: RegExp): void {
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /^\s+at /m, "a stack trace was printed");
}

describe("npm run render", () => {
  it("renders prod by default and lists what it wrote", () => {
    const out = tempDir("render-out");
    const result = render(["--out", out]);
    assert.equal(result.status, 0, result.stderr);
    for (const file of ["alertmanager.yaml", "resources.json", "summary.md", "rules/healthcare.yaml"]) {
      assert.ok(fs.existsSync(path.join(out, "prod", file)), file);
      assert.match(result.stdout, new RegExp(file.replace(".", "\\.")));
    }
  });

  it("names the stacks that exist when the stack file is missing", () => {
    assertCleanFailure(
      render(["--stack", "nope"]),
      /Pulumi\.nope\.yaml: does not exist \(stacks here: .*prod.*staging/,
    );
  });

  it("rejects a secret written as plain text, and touches nothing", () => {
    const { file } = stackFile("plain", (config) => {
      config["agent-alert-routing:slackWebhookUrls"] = {
        platform: "https://hooks.slack.example/T000/B000/XXXX",
      };
    });
    const out = tempDir("render-out");
    fs.mkdirSync(path.join(out, "plain"));
    fs.writeFileSync(path.join(out, "plain", "keep.txt"), "previous render");
    const result = render(["--stack", "plain", "--config", file, "--out", out]);
    assertCleanFailure(
      result,
      /Pulumi\.plain\.yaml: agent-alert-routing:slackWebhookUrls: must be a Pulumi secret/,
    );
    assert.doesNotMatch(result.stderr, /hooks\.slack\.example/, "the error must not echo the secret");
    assert.deepEqual(fs.readdirSync(path.join(out, "plain")), ["keep.txt"]);
  });

  it("rejects one entry of a secret written as plain text beside secret ones, naming that entry", () => {
    const { file } = stackFile("halfplain", (config) => {
      config["agent-alert-routing:slackWebhookUrls"] = {
        platform: { secure: "v1:c3RhbmQtaW4=" },
        "ai-eng": "https://hooks.slack.example/T000/B000/YYYY",
      };
    });
    const out = tempDir("render-out");
    const result = render(["--stack", "halfplain", "--config", file, "--out", out]);
    assertCleanFailure(
      result,
      /Pulumi\.halfplain\.yaml: agent-alert-routing:slackWebhookUrls\.ai-eng: must be a Pulumi secret/,
    );
    assert.doesNotMatch(result.stderr, /hooks\.slack\.example/, "the error must not echo the secret");
    assert.ok(!fs.existsSync(path.join(out, "halfplain")));
  });

  it("names the catalogue file, path and field of a bad alert", () => {
    const { dir } = stackFile("unused", () => undefined);
    const catalogue = path.join(dir, "sales.yaml");
    const text = fs
      .readFileSync(path.join(PROJECT_DIR, "alerts", "sales.yaml"), "utf8")
      .replace("alert_type: model", "alert_type: modle");
    fs.writeFileSync(catalogue, text);
    const { file } = stackFile("badalert", (config) => {
      const verticals = config["agent-alert-routing:verticals"] as { id: string; catalogue: string }[];
      (verticals.find((vertical) => vertical.id === "sales") as { catalogue: string }).catalogue = catalogue;
    });
    const result = render(["--stack", "badalert", "--config", file, "--out", tempDir("render-out")]);
    assertCleanFailure(
      result,
      new RegExp(
        `${catalogue.replace(/[.]/g, "\\.")}: groups\\[\\d+\\]\\.rules\\[\\d+\\]\\.labels\\.alert_type: "modle" is not one of infra, model, tool`,
      ),
    );
  });

  it("rejects unknown arguments with usage", () => {
    const result = render(["--stak", "prod"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown argument "--stak"/);
  });
});
