// The CI workflows, and the action they share, as GitHub would read them: each passes
// action-validator (GitHub's schema, run from WASM, no binary download), each shell step passes
// shellcheck, no step puts an expression inside its script, every action is pinned to a commit, and
// each workflow's header names every secret and variable it reads.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { PROJECT_DIR, requireTool, tempDir } from "../support/tools";

const VALIDATOR = path.join(PROJECT_DIR, "node_modules", ".bin", "action-validator");
const WORKFLOWS = path.join(PROJECT_DIR, ".github", "workflows");
const ACTIONS = path.join(PROJECT_DIR, ".github", "actions");

/** Every file GitHub reads: each workflow, and each local action's action.yml. */
function ciFiles(): string[] {
  const workflows = fs
    .readdirSync(WORKFLOWS)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => path.join(WORKFLOWS, file));
  const actions = fs.existsSync(ACTIONS)
    ? fs.readdirSync(ACTIONS).map((dir) => path.join(ACTIONS, dir, "action.yml"))
    : [];
  return [...workflows, ...actions].sort();
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
}

function stepsOf(file: string): { where: string; step: Step }[] {
  const doc = yaml.load(fs.readFileSync(file, "utf8")) as {
    jobs?: Record<string, { steps?: Step[] }>;
    runs?: { steps?: Step[] };
  };
  const jobs = doc.jobs ? Object.entries(doc.jobs) : [["runs", doc.runs ?? {}] as const];
  return jobs.flatMap(([job, body]) =>
    (body.steps ?? []).map((step, i) => ({
      where: `${job}.steps[${i}]${step.name ? ` (${step.name})` : ""}`,
      step,
    })),
  );
}

const EXPRESSION = /\$\{\{[\s\S]*?\}\}/g;

/** A step's script as the runner's bash runs it (-e, and pipefail where the shell is named). */
function shellcheck(script: string): { status: number | null; output: string } {
  const text = `#!/usr/bin/env bash\nset -eo pipefail\n${script.replace(EXPRESSION, "GITHUB_EXPRESSION")}\n`;
  const result = spawnSync(requireTool("shellcheck"), ["--shell=bash", "--severity=style", "-"], {
    input: text,
    encoding: "utf8",
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

function validate(file: string): { status: number | null; output: string } {
  const result = spawnSync(VALIDATOR, [file], { encoding: "utf8" });
  return { status: result.status, output: result.stdout + result.stderr };
}

const files = ciFiles();
const relative = (file: string) => path.relative(PROJECT_DIR, file);

describe("the CI workflows", () => {
  it("are the pull-request, main and drift workflows, at least, and the action they share", () => {
    const names = files.map(relative);
    for (const file of [
      ".github/workflows/pull-request.yml",
      ".github/workflows/main.yml",
      ".github/workflows/drift.yml",
      ".github/actions/prepare-stack/action.yml",
    ])
      assert.ok(names.includes(file), `${file} is missing`);
  });

  it("action-validator refuses a broken workflow and an unknown step key, so its verdicts below mean something", () => {
    const dir = tempDir("workflows");
    const broken = path.join(dir, "broken.yml");
    fs.writeFileSync(broken, "name: x\non: pull_requestt\njobs:\n  a:\n    steps:\n      - run: echo hi\n");
    assert.equal(validate(broken).status, 1);
    const typo = path.join(dir, "typo.yml");
    fs.writeFileSync(
      typo,
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo hi\n        shel: bash\n",
    );
    assert.match(validate(typo).output, /Additional property 'shel' is not allowed/);
  });

  it("shellcheck refuses an unquoted variable, so its verdicts below mean something", () => {
    const result = shellcheck("rm -rf $RUNNER_TEMP/x\n");
    assert.notEqual(result.status, 0);
    assert.match(result.output, /SC2086/);
  });

  it("and the scripts they run (.ci/run, scripts/*.sh) pass shellcheck", () => {
    const scripts = [
      ".ci/run",
      ...fs
        .readdirSync(path.join(PROJECT_DIR, "scripts"))
        .filter((file) => file.endsWith(".sh"))
        .map((file) => `scripts/${file}`),
    ];
    const result = spawnSync(requireTool("shellcheck"), ["--severity=style", ...scripts], {
      cwd: PROJECT_DIR,
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  for (const file of files) {
    describe(relative(file), () => {
      it("passes action-validator", () => {
        const result = validate(file);
        assert.equal(result.status, 0, result.output);
      });

      for (const { where, step } of stepsOf(file).filter(({ step }) => step.run !== undefined)) {
        it(`${where}: passes shellcheck, and reads expressions only through env`, () => {
          const script = step.run ?? "";
          // An expression pasted into a script is a script injection (a branch name, a PR title).
          assert.doesNotMatch(script, EXPRESSION, "pass the value through the step's env instead");
          const result = shellcheck(script);
          assert.equal(result.status, 0, result.output);
        });
      }

      it("pins every action to a full commit, its release in a comment", () => {
        const lines = fs.readFileSync(file, "utf8").split("\n");
        for (const line of lines.filter((text) => /^\s*(-\s+)?uses:/.test(text))) {
          const target = line.replace(/^\s*(-\s+)?uses:\s*/, "");
          if (target.startsWith("./")) continue;
          assert.match(target, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, line.trim());
        }
      });

      it("names in its header every secret and variable it reads", () => {
        const text = fs.readFileSync(file, "utf8");
        const header = text.slice(0, text.search(/^[^#\n]/m));
        assert.ok(header.length > 0, "no header comment");
        for (const [, , name] of text.matchAll(/\$\{\{\s*(secrets|vars)\.(\w+)/g)) {
          assert.ok(header.includes(name), `${name} is read but not named in the header comment`);
        }
      });

      it("gives the shared action only the inputs it declares, and every input it requires", () => {
        const action = yaml.load(
          fs.readFileSync(path.join(ACTIONS, "prepare-stack", "action.yml"), "utf8"),
        ) as {
          inputs: Record<string, { required?: boolean }>;
        };
        for (const { where, step } of stepsOf(file).filter(
          ({ step }) => step.uses === "./.github/actions/prepare-stack",
        )) {
          const given = Object.keys(step.with ?? {});
          for (const input of given)
            assert.ok(input in action.inputs, `${where}: prepare-stack has no input ${input}`);
          for (const [input, spec] of Object.entries(action.inputs)) {
            if (spec.required) assert.ok(given.includes(input), `${where}: prepare-stack needs ${input}`);
          }
        }
      });
    });
  }
});
