// Rules are tested by what they do: `promtool test rules` on the test file the render writes beside
// each rule file, for every stack. Each alert of each rendered rule file must fire in some case and
// stay quiet in another, so an alert without a behaviour test fails here, whoever added it.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, it, type TestContext } from "node:test";
import { promisify } from "node:util";
import yaml from "js-yaml";
import { WATCHDOG_ALERT } from "../../core/conventions";
import { buildModel } from "../../input/model";
import { buildPlan } from "../../plan/plan";
import { renderRuleFile } from "../../render/rules";
import { renderRuleTestFile } from "../../render/ruleTests";
import { renderStack, requireTool, stackNames, tempDir } from "../support/tools";
import { baseCatalogue, baseCatalogueTexts, baseConfig, HEALTHCARE_FILE, makeInput } from "../unit/fixtures";

const promtool = requireTool("promtool");
const execFileAsync = promisify(execFile);
const out = tempDir("rule-tests");
// One promtool per core: each run is CPU-bound, evaluating every rule at every step of its cases.
const CONCURRENCY = os.availableParallelism();

interface TestFile {
  rule_files: string[];
  tests: { name: string; alert_rule_test: { alertname: string; exp_alerts?: unknown[] }[] }[];
}
interface RuleFile {
  groups: { rules: { alert?: string }[] }[];
}

async function promtoolTest(file: string): Promise<{ file: string; ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(promtool, ["test", "rules", file], {
      cwd: path.dirname(file),
    });
    return { file, ok: /SUCCESS/.test(stdout), output: stdout + stderr };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    return { file, ok: false, output: `${failure.stdout ?? ""}${failure.stderr ?? failure.message}` };
  }
}

/** Runs `task` over `items`, `limit` at a time, keeping every worker busy. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

for (const stack of stackNames()) {
  describe(`stack ${stack}: promtool test rules`, () => {
    let rules = "";
    let verticals: string[] = [];
    before(() => {
      rules = path.join(renderStack(stack, out), "rules");
      verticals = fs
        .readdirSync(rules)
        .filter((file) => file.endsWith(".yaml") && !file.endsWith(".test.yaml"))
        .map((file) => file.slice(0, -".yaml".length));
    });
    const read = <T>(file: string): T => yaml.load(fs.readFileSync(path.join(rules, file), "utf8")) as T;
    // `<vertical>.test.yaml`, and `<vertical>.<interval>.test.yaml` for cases at a coarser interval.
    const testFiles = (vertical: string) =>
      fs.readdirSync(rules).filter((file) => file.startsWith(`${vertical}.`) && file.endsWith(".test.yaml"));

    it("every rule file has test files that load it", () => {
      assert.ok(verticals.length > 0, "the render wrote no rule files");
      for (const vertical of verticals) {
        assert.ok(
          testFiles(vertical).includes(`${vertical}.test.yaml`),
          `no test file beside ${vertical}.yaml`,
        );
        for (const file of testFiles(vertical)) {
          assert.deepEqual(read<TestFile>(file).rule_files, [`${vertical}.yaml`], file);
        }
      }
    });

    it("every alert fires in a case and stays quiet in another (the Watchdog always fires)", () => {
      const gaps: string[] = [];
      for (const vertical of verticals) {
        const checks = testFiles(vertical).flatMap((file) =>
          read<TestFile>(file).tests.flatMap((group) => group.alert_rule_test),
        );
        const alerts = read<RuleFile>(`${vertical}.yaml`).groups.flatMap((group) => group.rules);
        for (const alert of alerts.flatMap((rule) => (rule.alert ? [rule.alert] : []))) {
          const own = checks.filter((check) => check.alertname === alert);
          const expected = own.map((check) => (check.exp_alerts ?? []).length);
          if (!expected.some((count) => count > 0)) gaps.push(`${vertical}: ${alert} never fires`);
          if (alert !== WATCHDOG_ALERT && !expected.includes(0))
            gaps.push(`${vertical}: ${alert} is never quiet`);
        }
      }
      assert.deepEqual(gaps, []);
    });

    it("every test file passes", { timeout: 300_000 }, async (t: TestContext) => {
      const names = verticals.flatMap(testFiles);
      const start = performance.now();
      const results = await pool(
        names.map((file) => path.join(rules, file)),
        CONCURRENCY,
        promtoolTest,
      );
      const seconds = ((performance.now() - start) / 1000).toFixed(1);
      const groups = names.reduce((sum, file) => sum + read<TestFile>(file).tests.length, 0);
      t.diagnostic(
        `${stack}: ${names.length} files, ${groups} test groups; promtool test rules took ${seconds}s`,
      );
      const failed = results.filter((result) => !result.ok);
      assert.equal(
        failed.length,
        0,
        failed.map((result) => `${path.basename(result.file)}:\n${result.output}`).join("\n"),
      );
    });
  });
}

describe("generated SLO cases across the range of objectives", () => {
  // The cases derive their burn, history and check times from the objective; near the low end the
  // page's burn is capped below 100% errors. Each objective gets a tool SLO (any objective goes) and,
  // where validation allows one, a latency SLO of the model type.
  for (const objective of [93.5, 97, 99.65, 99.95]) {
    it(`objective ${objective}`, { timeout: 60_000 }, async () => {
      const slos: Record<string, unknown>[] = [
        {
          name: "crm-tool-success",
          description: "CRM calls succeed.",
          objective,
          alert_type: "tool",
          tool_name: "crm",
          runbook_url: "https://runbooks.example/crm-slo",
          sli: {
            events: {
              error_query: 'sum(rate(calls_total{code=~"5.."}[{{.window}}]))',
              total_query: "sum(rate(calls_total[{{.window}}]))",
              test_series: { error: 'calls_total{code="503"}', success: 'calls_total{code="200"}' },
            },
          },
        },
      ];
      if (objective <= 99.65) {
        slos.push({
          name: "ftl",
          description: "First tokens within 800 ms.",
          objective,
          alert_type: "model",
          runbook_url: "https://runbooks.example/ftl-slo",
          sli: { latency: { histogram: "ftl_ms_bucket", threshold: 800 } },
        });
      }
      const catalogue = { ...baseCatalogue("Healthcare"), histograms: { ftl_ms_bucket: [400, 800] }, slos };
      const input = makeInput(baseConfig(), {
        ...baseCatalogueTexts(),
        [HEALTHCARE_FILE]: yaml.dump(catalogue),
      });
      const plan = buildPlan(buildModel(input));
      const dir = tempDir(`slo-${objective}`);
      const rules = plan.ruleFiles.find((file) => file.vertical === "healthcare");
      const tests = plan.ruleTests.find((file) => file.file === "healthcare.test.yaml");
      assert.ok(rules && tests);
      fs.writeFileSync(path.join(dir, "healthcare.yaml"), renderRuleFile(rules));
      fs.writeFileSync(path.join(dir, tests.file), renderRuleTestFile(tests, ["healthcare.yaml"]));
      assert.equal(tests.groups.length, slos.length === 2 ? 5 : 2);
      const result = await promtoolTest(path.join(dir, tests.file));
      assert.ok(result.ok, result.output);
    });
  }
});
