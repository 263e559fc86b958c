// The checks promtool makes when it loads a rule file, written again in core/ so the render needs no
// Prometheus: every expression and template of tests/fixtures/promtool-agreement.yaml is refused by
// both or accepted by both, judged in one promtool run per list.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { findTemplateError } from "../../core/goTemplate";
import { findSyntaxError } from "../../core/promql";
import { checkTypes } from "../../core/promqlTypes";
import { PROJECT_DIR, requireTool, run, tempDir } from "../support/tools";

const promtool = requireTool("promtool");

const fixture = yaml.load(
  fs.readFileSync(path.join(PROJECT_DIR, "tests", "fixtures", "promtool-agreement.yaml"), "utf8"),
) as { expressions: string[]; templates: string[]; refusedThoughPromtoolAccepts: string[] };

const dir = tempDir("promtool-agreement");

/** The indices of the rules promtool refuses in a file of rules named `<prefix><index>`. */
function refusedByPromtool(name: string, rules: Record<string, unknown>[]): Set<number> {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, yaml.dump({ groups: [{ name, rules }] }));
  const result = run(promtool, ["check", "rules", file]);
  const refused = new Set<number>();
  for (const line of (result.stdout + result.stderr).split("\n")) {
    const rule = /group "[^"]+", rule (\d+),/.exec(line);
    if (rule) refused.add(Number(rule[1]) - 1);
    else assert.doesNotMatch(line, new RegExp(`^${file}:`), `promtool refused the file itself: ${line}`);
  }
  assert.equal(result.status === 0, refused.size === 0, result.stdout + result.stderr);
  return refused;
}

const refusesExpression = (expr: string) => findSyntaxError(expr) !== undefined || !checkTypes(expr).ok;

function disagreements(items: string[], ours: (item: string) => boolean, theirs: Set<number>): string[] {
  return items.flatMap((item, i) =>
    ours(item) === theirs.has(i)
      ? []
      : [`${JSON.stringify(item)}: ${ours(item) ? "refused here" : "accepted here"}, not by promtool`],
  );
}

describe("the checkers against promtool check rules", () => {
  it(`judge ${fixture.expressions.length} expressions as promtool does`, () => {
    const theirs = refusedByPromtool(
      "expressions",
      fixture.expressions.map((expr, i) => ({ record: `r${i}`, expr })),
    );
    assert.deepEqual(disagreements(fixture.expressions, refusesExpression, theirs), []);
    assert.ok(theirs.size > 100 && theirs.size < fixture.expressions.length - 50, "too one-sided a list");
  });

  it(`judge ${fixture.templates.length} alert templates as promtool does`, () => {
    const theirs = refusedByPromtool(
      "templates",
      fixture.templates.map((text, i) => ({ alert: `A${i}`, expr: "up", annotations: { summary: text } })),
    );
    assert.deepEqual(
      disagreements(fixture.templates, (text) => findTemplateError(text) !== undefined, theirs),
      [],
    );
    assert.ok(theirs.size > 50 && theirs.size < fixture.templates.length - 40, "too one-sided a list");
  });

  it("refuse the known exceptions, which promtool accepts: the grammar is Prometheus 3's", () => {
    const theirs = refusedByPromtool(
      "exceptions",
      fixture.refusedThoughPromtoolAccepts.map((expr, i) => ({ record: `r${i}`, expr })),
    );
    assert.deepEqual([...theirs], []);
    for (const expr of fixture.refusedThoughPromtoolAccepts) assert.ok(refusesExpression(expr), expr);
  });
});
