// The render's verdict is the real tools' verdict: each case of tests/fixtures/tool-verdicts.yaml
// changes one thing of prod, and the render and promtool (or amtool) must both refuse it, or both
// accept it; the render names the file, path and field. The few inputs the render refuses though
// the tools accept say so in their names.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { type Issue, ValidationError } from "../../core/errors";
import { buildModel } from "../../input/model";
import { compileRouting } from "../../pipeline/compile";
import { buildPlan } from "../../plan/plan";
import { alertmanagerConfig } from "../../render/alertmanager";
import { toYaml } from "../../render/yaml";
import { stackInput } from "../support/stack";
import { PROJECT_DIR, requireTool, run, runCli, tempDir } from "../support/tools";

const promtool = requireTool("promtool");
const amtool = requireTool("amtool");

const NAMESPACE = "agent-alert-routing:";
const DEFAULT_ALERT = "SalesPm2RestartsHigh";

interface Case {
  name: string;
  set?: Record<string, unknown>;
  field?: string;
  message?: string;
  tool?: string;
  refusedOnPurpose?: string;
  knownDisagreement?: string;
  cli?: boolean;
}

interface RuleCase extends Case {
  alert?: string;
  setGroup?: Record<string, unknown>;
  inGroup?: boolean;
}

const corpus = yaml.load(
  fs.readFileSync(path.join(PROJECT_DIR, "tests", "fixtures", "tool-verdicts.yaml"), "utf8"),
) as { rules: RuleCase[]; stack: Case[] };

type Doc = Record<string, unknown>;

function setPath(target: Doc, dotted: string, value: unknown): void {
  const keys = dotted.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Doc;
  }
  node[keys[keys.length - 1]] = value;
}

function applyAll(target: Doc, changes: Record<string, unknown> = {}): void {
  for (const [key, value] of Object.entries(changes)) setPath(target, key, value);
}

function verdictOf(c: Case): "refuse" | "accept" | "on purpose" | "known" {
  if (c.refusedOnPurpose) return "on purpose";
  if (c.knownDisagreement) return "known";
  return c.message ? "refuse" : "accept";
}

function title(c: Case, tool: string): string {
  switch (verdictOf(c)) {
    case "refuse":
      return `${c.name}: the render and ${tool} both refuse it`;
    case "accept":
      return `${c.name}: the render and ${tool} both accept it`;
    case "on purpose":
      return `${c.name}: the render refuses it on purpose though ${tool} accepts it (${c.refusedOnPurpose})`;
    case "known":
      return `${c.name}: the render refuses it though ${tool} accepts it, a known disagreement (${c.knownDisagreement})`;
  }
}

/** The render's issues for an input, through the pipeline's own validation; none when it passes. */
function renderIssues(input: ReturnType<typeof stackInput>): Issue[] {
  try {
    compileRouting(input);
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return [...error.issues];
    throw error;
  }
}

function assertRenderVerdict(c: Case, issues: Issue[], file: string, at: string): void {
  if (!c.message) {
    assert.deepEqual(issues, [], "the render refused a valid input");
    return;
  }
  const found = issues.find((issue) => issue.file === file && issue.path === at);
  assert.ok(
    found,
    `no issue at ${file}: ${at}; got:\n${issues.map((i) => `${i.file}: ${i.path}: ${i.message}`).join("\n")}`,
  );
  assert.match(found.message, new RegExp(c.message));
}

function assertToolVerdict(c: Case, result: { status: number; stdout: string; stderr: string }): void {
  const output = result.stdout + result.stderr;
  if (c.tool) {
    assert.notEqual(result.status, 0, `the tool accepted it:\n${output}`);
    assert.match(output, new RegExp(c.tool));
  } else assert.equal(result.status, 0, `the tool refused it:\n${output}`);
}

// --- rules: the render against promtool ----------------------------------------------------------

interface Located {
  file: string;
  doc: { groups: { name: string; interval?: string; rules: Doc[] }[] };
  group: number;
  rule: number;
}

/** The catalogue of prod holding an alert, read afresh, with the alert's position in it. */
function locate(alert: string): Located {
  const verticals = stackInput("prod").config.verticals as { catalogue: string }[];
  for (const { catalogue } of verticals) {
    const doc = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, catalogue), "utf8")) as Located["doc"];
    for (const [g, group] of doc.groups.entries()) {
      const r = group.rules.findIndex((rule) => rule.alert === alert);
      if (r >= 0) return { file: catalogue, doc, group: g, rule: r };
    }
  }
  throw new Error(`no alert ${alert} in prod's catalogues`);
}

function changedCatalogue(c: RuleCase): Located {
  const located = locate(c.alert ?? DEFAULT_ALERT);
  const group = located.doc.groups[located.group];
  applyAll(group.rules[located.rule], c.set);
  applyAll(group as unknown as Doc, c.setGroup);
  return located;
}

function rulePath(c: RuleCase, located: Located): string {
  const group = `groups[${located.group}]`;
  return c.inGroup ? `${group}.${c.field}` : `${group}.rules[${located.rule}].${c.field}`;
}

const rulesDir = tempDir("corpus-rules");

/** promtool on a rule file holding the changed rule's group with that rule alone. */
function promtoolVerdict(located: Located, index: number) {
  const group = located.doc.groups[located.group];
  const { scope: _scope, ...rule } = group.rules[located.rule];
  const file = path.join(rulesDir, `case-${index}.yaml`);
  const minimal = {
    name: group.name,
    ...(group.interval ? { interval: group.interval } : {}),
    rules: [rule],
  };
  fs.writeFileSync(file, yaml.dump({ groups: [minimal] }));
  return run(promtool, ["check", "rules", file]);
}

describe("rules: the render against promtool check rules", () => {
  corpus.rules.forEach((c, index) => {
    it(title(c, "promtool"), () => {
      const located = changedCatalogue(c);
      const input = stackInput("prod", { [located.file]: yaml.dump(located.doc) });
      assertRenderVerdict(c, renderIssues(input), located.file, rulePath(c, located));
      assertToolVerdict(c, promtoolVerdict(located, index));
    });
  });
});

// --- stack config: the render against amtool ------------------------------------------------------

/** The Alertmanager config the render would write from the changed values, had validation passed them. */
function wouldRender(changes: Record<string, unknown> = {}): string {
  const model = buildModel(stackInput("prod"));
  applyAll(model.config as unknown as Doc, changes);
  return toYaml(alertmanagerConfig(buildPlan(model)));
}

const configDir = tempDir("corpus-alertmanager");

describe("stack config: the render against amtool check-config", () => {
  corpus.stack.forEach((c, index) => {
    it(title(c, "amtool"), () => {
      const input = stackInput("prod");
      applyAll(input.config as Doc, c.set);
      assertRenderVerdict(c, renderIssues(input), input.stackFile, `${NAMESPACE}${c.field}`);
      const file = path.join(configDir, `case-${index}.yaml`);
      fs.writeFileSync(file, wouldRender(c.set));
      assertToolVerdict(c, run(amtool, ["check-config", file]));
    });
  });
});

// --- npm run render itself ---------------------------------------------------------------------

const prodFile = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")) as {
  config: Doc;
};

/** `npm run render` on prod with the case's change: exit 1, one line naming file, path and field, nothing written. */
function renderCli(
  c: Case,
  changeConfig: (config: Doc) => void,
  line: (stackFile: string) => string,
  dir = tempDir("corpus-cli"),
): void {
  const config = structuredClone(prodFile.config);
  changeConfig(config);
  const stackFile = path.join(dir, "Pulumi.corpus.yaml");
  fs.writeFileSync(stackFile, yaml.dump({ config }));
  const out = path.join(dir, "out");
  const result = runCli("render", ["--stack", "corpus", "--config", stackFile, "--out", out]);
  assert.equal(result.status, 1, result.stdout + result.stderr);
  const expected = line(path.basename(stackFile)).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  assert.match(result.stderr, new RegExp(`^${expected}: .*(${c.message})`, "m"));
  assert.doesNotMatch(result.stderr, /^\s+at /m, "a stack trace was printed");
  assert.ok(!fs.existsSync(path.join(out, "corpus")), "the render wrote files for a refused input");
}

describe("npm run render refuses the cases of the issue, before declaring anything", () => {
  for (const c of corpus.rules.filter((candidate) => candidate.cli)) {
    it(c.name, () => {
      const located = changedCatalogue(c);
      // Beside the stack file: a catalogue may not lie outside the project or the stack file's folder.
      const dir = tempDir("corpus-cli");
      const catalogue = path.join(dir, path.basename(located.file));
      fs.writeFileSync(catalogue, yaml.dump(located.doc));
      renderCli(
        c,
        (config) => {
          const verticals = config[`${NAMESPACE}verticals`] as { catalogue: string }[];
          const vertical = verticals.find((candidate) => candidate.catalogue === located.file);
          (vertical as { catalogue: string }).catalogue = catalogue;
        },
        () => `${catalogue}: ${rulePath(c, located)}`,
        dir,
      );
    });
  }
  for (const c of corpus.stack.filter((candidate) => candidate.cli)) {
    it(c.name, () => {
      renderCli(
        c,
        (config) => {
          const [key, ...rest] = Object.keys(c.set ?? {})[0].split(".");
          const value = Object.values(c.set ?? {})[0];
          setPath(config, [`${NAMESPACE}${key}`, ...rest].join("."), value);
        },
        (stackFile) => `${stackFile}: ${NAMESPACE}${c.field}`,
      );
    });
  }
});

it("holds at least 40 inputs the render and the tools both refuse", () => {
  const refused = [...corpus.rules, ...corpus.stack].filter((c) => verdictOf(c) === "refuse");
  assert.ok(refused.length >= 40, `${refused.length} refused inputs`);
  assert.ok([...corpus.rules, ...corpus.stack].some((c) => verdictOf(c) === "accept"));
});
