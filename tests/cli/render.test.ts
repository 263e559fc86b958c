// `npm run render` as users run it: exit codes, messages without stack traces, nothing touched on error.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import yaml from "js-yaml";
import { replaceDir } from "../../cli/render";
import { aliasBomb } from "../support/hostileYaml";
import { cliCommand, PROJECT_DIR, run, runCli, tempDir } from "../support/tools";

const prod = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")) as {
  config: Record<string, unknown>;
};

function render(args: string[]) {
  return runCli("render", [...args]);
}

/** The render in a heap of 256 MB: a file that would expand past it must be refused first. */
function renderInSmallHeap(args: string[]) {
  const [node, script] = cliCommand("render");
  return run(node, ["--max-old-space-size=256", ...script, ...args]);
}

/** Writes a stack file: prod's config with `change` applied, under a temporary folder. */
function stackFile(
  stack: string,
  change: (config: Record<string, unknown>) => void,
  dir = tempDir("render-cli"),
): { dir: string; file: string } {
  const config = structuredClone(prod.config);
  change(config);
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, yaml.dump({ config }));
  return { dir, file };
}

function setCatalogue(config: Record<string, unknown>, vertical: string, catalogue: string): void {
  const verticals = config["agent-alert-routing:verticals"] as { id: string; catalogue: string }[];
  (verticals.find((candidate) => candidate.id === vertical) as { catalogue: string }).catalogue = catalogue;
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

function assertCleanFailure(result: ReturnType<typeof render>, message: RegExp): void {
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /^\s+at /m, "a stack trace was printed");
}

/** Every file and folder under `dir`, hidden ones included, each file with its bytes. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .map((entry) => path.join(entry.parentPath, entry.name))
      .sort()
      .map((file) => [
        path.relative(dir, file),
        fs.statSync(file).isDirectory() ? "(folder)" : fs.readFileSync(file).toString("base64"),
      ]),
  );
}

type Catalogue = {
  groups: {
    rules: { alert?: string; labels: Record<string, string>; annotations: Record<string, string> }[];
  }[];
};

/**
 * Prod's stack file with sales' catalogue replaced by an edited copy; returns both files and where
 * the alert `alert` sits in the copy.
 */
function salesEdited(stack: string, edit: (catalogue: Catalogue) => void) {
  // Beside the stack file: a catalogue may not lie outside the project or the stack file's folder.
  const dir = tempDir("render-cli");
  const catalogue = path.join(dir, "sales.yaml");
  const doc = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "alerts", "sales.yaml"), "utf8")) as Catalogue;
  edit(doc);
  fs.writeFileSync(catalogue, yaml.dump(doc));
  const { file } = stackFile(
    stack,
    (config) => {
      const verticals = config["agent-alert-routing:verticals"] as { id: string; catalogue: string }[];
      (verticals.find((vertical) => vertical.id === "sales") as { catalogue: string }).catalogue = catalogue;
    },
    dir,
  );
  return { file, catalogue };
}

/** The path of an alert in a catalogue: `groups[1].rules[0]`. */
function rulePathOf(catalogue: Catalogue, alert: string): string {
  for (const [g, group] of catalogue.groups.entries()) {
    const r = group.rules.findIndex((rule) => rule.alert === alert);
    if (r >= 0) return `groups[${g}].rules[${r}]`;
  }
  throw new Error(`no alert ${alert}`);
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

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

  it("rejects a plain value in a secret map that no team needs, naming it", () => {
    const { file } = stackFile("stray", (config) => {
      const secure = { secure: "v1:c3RhbmQtaW4=" };
      const teams = config["agent-alert-routing:teams"] as { id: string }[];
      config["agent-alert-routing:slackWebhookUrls"] = {
        ...Object.fromEntries(teams.map((team) => [team.id, secure])),
        retired: "https://hooks.slack.example/T000/B000/ZZZZ",
      };
    });
    const result = render(["--stack", "stray", "--config", file, "--out", tempDir("render-out")]);
    assertCleanFailure(
      result,
      /^Pulumi\.stray\.yaml: agent-alert-routing:slackWebhookUrls\.retired: must be a Pulumi secret; set it again with `pulumi config set --secret --path 'slackWebhookUrls\.retired' <value>`$/m,
    );
    assert.doesNotMatch(result.stderr, /hooks\.slack\.example/, "the error must not echo the secret");
  });

  it("rejects the PagerDuty token written as plain text, with the command that sets it as a secret", () => {
    const { file } = stackFile("plaintoken", (config) => {
      config["pagerduty:token"] = "u+PlainTokenValue";
    });
    const result = render(["--stack", "plaintoken", "--config", file, "--out", tempDir("render-out")]);
    assertCleanFailure(
      result,
      /^Pulumi\.plaintoken\.yaml: pagerduty:token: must be a Pulumi secret; set it again with `pulumi config set --secret pagerduty:token <token>`$/m,
    );
    assert.doesNotMatch(result.stderr, /PlainTokenValue/, "the error must not echo the token");
  });

  it("rejects a credential in the heartbeat URL, pointing at the secret that holds it, and writes nothing", () => {
    const { file } = stackFile("hbtoken", (config) => {
      const alertmanager = config["agent-alert-routing:alertmanager"] as { heartbeat: { url: string } };
      alertmanager.heartbeat.url = "https://heartbeat.example/ping?token=SeCrEtToKeN";
    });
    const out = tempDir("render-out");
    const result = render(["--stack", "hbtoken", "--config", file, "--out", out]);
    assertCleanFailure(
      result,
      /^Pulumi\.hbtoken\.yaml: agent-alert-routing:alertmanager\.heartbeat\.url: carries a credential \(the query parameter token\), .*put the token in the secret heartbeatToken/m,
    );
    assert.doesNotMatch(result.stderr, /SeCrEtToKeN/, "the error must not echo the token");
    assert.deepEqual(fs.readdirSync(out), []);
  });

  it("names the catalogue file, path and field of a bad alert", () => {
    // A catalogue may live beside its stack file, outside the project.
    const dir = tempDir("render-cli");
    const catalogue = path.join(dir, "sales.yaml");
    const text = fs
      .readFileSync(path.join(PROJECT_DIR, "alerts", "sales.yaml"), "utf8")
      .replace("alert_type: model", "alert_type: modle");
    fs.writeFileSync(catalogue, text);
    const { file } = stackFile("badalert", (config) => setCatalogue(config, "sales", catalogue), dir);
    const result = render(["--stack", "badalert", "--config", file, "--out", tempDir("render-out")]);
    assertCleanFailure(
      result,
      new RegExp(
        `${catalogue.replace(/[.]/g, "\\.")}: groups\\[\\d+\\]\\.rules\\[\\d+\\]\\.labels\\.alert_type: "modle" is not one of infra, model, tool`,
      ),
    );
  });

  describe("writes nothing unless validation, the program and the policy pack all pass", () => {
    const stack = "atomic";
    const out = tempDir("render-out");
    let previous: Record<string, string>;
    let stackDir: string;

    // The previous render, which each failure below must leave byte for byte; it also commits the
    // stack's route-key baseline beside its stack file.
    before(() => {
      const { dir, file } = stackFile(stack, () => undefined);
      stackDir = dir;
      const result = render(["--stack", stack, "--config", file, "--out", out, "--update-route-keys"]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(
        result.stderr,
        /^route keys: wrote \S+route-keys\/atomic\.json \(0 gone or re-keyed, \d+ new\)/m,
      );
      previous = snapshot(out);
      assert.ok(previous[path.join(stack, "rules", "sales.yaml")], "the first render wrote no sales rules");
    });

    it("fails on a secret in a rule, names the catalogue file, rule and field, and keeps the previous render", () => {
      let annotated = "";
      let labelled = "";
      const { file, catalogue } = salesEdited(stack, (doc) => {
        annotated = rulePathOf(doc, "SalesWebsocketBackpressure");
        labelled = rulePathOf(doc, "SalesCrashLoop");
        for (const group of doc.groups) {
          for (const rule of group.rules) {
            if (rule.alert === "SalesWebsocketBackpressure") {
              rule.annotations.description += " Ping https://hooks.slack.com/services/T000/B000/XXXX";
            }
            if (rule.alert === "SalesCrashLoop") rule.labels.bot = "xoxb-1234-5678-abcdef";
          }
        }
      });
      const result = render(["--stack", stack, "--config", file, "--out", out]);
      assertCleanFailure(
        result,
        new RegExp(
          `^${escaped(catalogue)}: ${escaped(annotated)}\\.annotations\\.description: .*contains a secret value.*\\(mandatory policy no-plain-secrets\\)$`,
          "m",
        ),
      );
      assert.match(
        result.stderr,
        new RegExp(
          `^${escaped(catalogue)}: ${escaped(labelled)}\\.labels\\.bot: .*contains a secret value`,
          "m",
        ),
      );
      assert.doesNotMatch(result.stderr, /T000\/B000|xoxb-1234/, "the error must not echo the secret");
      assert.doesNotMatch(result.stdout, /rendered stack/);
      assert.deepEqual(snapshot(out), previous);
    });

    it("fails on a validation error and keeps the previous render", () => {
      const { file } = salesEdited(stack, (doc) => {
        doc.groups[1].rules[0].labels.alert_type = "modle";
      });
      assertCleanFailure(
        render(["--stack", stack, "--config", file, "--out", out]),
        /labels\.alert_type: "modle" is not one of/,
      );
      assert.deepEqual(snapshot(out), previous);
    });

    it("replaces the previous render whole on success, warning of the routes it re-keys against the baseline", () => {
      fs.writeFileSync(path.join(out, stack, "stale.txt"), "from an older render");
      const baseline = path.join(stackDir, "route-keys", `${stack}.json`);
      const committed = fs.readFileSync(baseline, "utf8");
      const { file } = stackFile(
        stack,
        (config) => {
          delete (config["agent-alert-routing:toolOwners"] as Record<string, string>).crm;
        },
        stackDir,
      );
      const result = render(["--stack", stack, "--config", file, "--out", out]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(
        result.stderr,
        /^warning: route \S+ -> crm-owners is gone or re-keyed against the committed/m,
      );
      assert.match(
        result.stderr,
        /^route keys: \d+ gone or re-keyed, \d+ new against \S+; resolve the incidents open on the lost routes or keep them, then run `npm run render -- --stack atomic --update-route-keys`/m,
      );
      assert.equal(
        fs.readFileSync(baseline, "utf8"),
        committed,
        "the baseline changed without --update-route-keys",
      );
      assert.deepEqual(fs.readdirSync(out), [stack], "a temporary folder was left behind");
      assert.ok(!fs.existsSync(path.join(out, stack, "stale.txt")), "the previous render was not replaced");
      const now = snapshot(out);
      assert.notDeepEqual(
        now[path.join(stack, "route-keys.json")],
        previous[path.join(stack, "route-keys.json")],
      );

      const updated = render(["--stack", stack, "--config", file, "--out", out, "--update-route-keys"]);
      assert.equal(updated.status, 0, updated.stderr);
      assert.equal(fs.readFileSync(baseline, "base64"), now[path.join(stack, "route-keys.json")]);
      const again = render(["--stack", stack, "--config", file, "--out", out]);
      assert.doesNotMatch(again.stderr, /warning: route|route keys:/);
    });

    it("rewrites no baseline when the render fails, even when asked to", () => {
      const baseline = path.join(stackDir, "route-keys", `${stack}.json`);
      const committed = fs.readFileSync(baseline, "utf8");
      const { file } = stackFile(
        stack,
        (config) => {
          (config["agent-alert-routing:toolOwners"] as Record<string, string>).crm = "nobody-team";
        },
        stackDir,
      );
      const result = render(["--stack", stack, "--config", file, "--out", out, "--update-route-keys"]);
      assert.equal(result.status, 1);
      assert.equal(fs.readFileSync(baseline, "utf8"), committed);
    });
  });

  it("leaves the previous folder and no temporary one when writing the new one fails", () => {
    const out = tempDir("render-out");
    const dir = path.join(out, "stack");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "alertmanager.yaml"), "previous");
    const before = snapshot(out);
    // `a` is written as a file, so `a/b` cannot be.
    const files = new Map([
      ["a", "new"],
      ["a/b", "new"],
    ]);
    assert.throws(() => replaceDir(dir, files), /ENOTDIR|EEXIST/);
    assert.deepEqual(snapshot(out), before);
  });

  it("refuses an alias bomb in the stack file, naming it, in a small heap", () => {
    const { file } = stackFile("laughs", () => undefined);
    fs.appendFileSync(file, `  agent-alert-routing:laughs:\n${aliasBomb("    ")}`);
    assertCleanFailure(
      renderInSmallHeap(["--stack", "laughs", "--config", file, "--out", tempDir("render-out")]),
      /^Pulumi\.laughs\.yaml: has aliases that would expand it beyond 1 MiB, the most a file may hold/m,
    );
  });

  it("refuses an alias bomb in a catalogue, naming it, in a small heap", () => {
    const dir = tempDir("render-cli");
    const catalogue = path.join(dir, "sales.yaml");
    const sales = fs.readFileSync(path.join(PROJECT_DIR, "alerts", "sales.yaml"), "utf8");
    fs.writeFileSync(catalogue, `${sales}x-laughs:\n${aliasBomb("  ")}`);
    const { file } = stackFile("catlaughs", (config) => setCatalogue(config, "sales", catalogue), dir);
    assertCleanFailure(
      renderInSmallHeap(["--stack", "catlaughs", "--config", file, "--out", tempDir("render-out")]),
      new RegExp(`^${literal(catalogue)}: has aliases that would expand it beyond 1 MiB`, "m"),
    );
  });

  it("refuses a catalogue that is a directory, or outside the project and the stack file's directory", () => {
    const cases: [string, RegExp][] = [
      [
        "alerts",
        /^Pulumi\.dircat\.yaml: agent-alert-routing:verticals\[\d+\]\.catalogue: "alerts" is a directory, not a file$/m,
      ],
      [
        "../outside.yaml",
        /^Pulumi\.dircat\.yaml: agent-alert-routing:verticals\[\d+\]\.catalogue: "\.\.\/outside\.yaml" is outside the project/m,
      ],
      [
        path.join(tempDir("render-cli"), "elsewhere.yaml"),
        /^Pulumi\.dircat\.yaml: agent-alert-routing:verticals\[\d+\]\.catalogue: "\/.*\/elsewhere\.yaml" is outside the project/m,
      ],
    ];
    for (const [catalogue, message] of cases) {
      const { file } = stackFile("dircat", (config) => setCatalogue(config, "sales", catalogue));
      assertCleanFailure(
        render(["--stack", "dircat", "--config", file, "--out", tempDir("render-out")]),
        message,
      );
    }
  });

  it("rejects unknown arguments with usage", () => {
    const result = render(["--stak", "prod"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown argument "--stak"/);
  });
});
