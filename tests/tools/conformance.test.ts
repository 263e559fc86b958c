// The routing evaluator against amtool, the ground truth: for thousands of label sets over the
// rendered stacks, `receivers()` must print exactly what `amtool config routes test` prints.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { promisify } from "node:util";
import fc from "fast-check";
import yaml from "js-yaml";
import { createRouter, type RouteNode, type Router } from "../../alertmanager/evaluate";
import { parseMatchers } from "../../alertmanager/matchers";
import type { AmConfig, AmRoute, LabelSet } from "../../alertmanager/types";
import { renderStack, requireTool, tempDir } from "../support/tools";

const amtool = requireTool("amtool");
const execFileAsync = promisify(execFile);

const STACKS = ["prod", "staging"];
const KEYS = [
  "alertname",
  "alert_type",
  "severity",
  "vertical",
  "team",
  "tool_name",
  "tier",
  "priority",
  "category",
];
// Values that look like patterns, differ by case or carry a trailing space: they must match literally.
// Every one of them can be passed to amtool (see `labelArg`), so none is left out.
const TRICKY = ["critical|page", ".*", "a+", "P1 ", "Critical", "crm|calendar", "*"];
const GENERATED_PER_STACK = 1500;
// amtool is a short-lived Go process (~50 ms, mostly start-up); four at a time keep two cores busy.
const CONCURRENCY = 4;
const SEED = Number(process.env.ROUTING_SEED ?? Date.now() % 2 ** 31);

/**
 * One `k=v` argument as amtool 0.25 parses it (pkg/labels.ParseMatcher). A bare value loses its
 * surrounding spaces and cannot hold a double quote, so values are always quoted, with `\"`, `\\`
 * and `\n` escaped; an empty value is passed as `k=`, which amtool reads as the empty string.
 */
function labelArg(name: string, value: string): string {
  if (value === "") return `${name}=`;
  return `${name}="${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, "\\n")}"`;
}

async function amtoolReceivers(configFile: string, labels: LabelSet): Promise<string> {
  const args = Object.entries(labels).map(([name, value]) => labelArg(name, value));
  try {
    const { stdout } = await execFileAsync(amtool, [
      "config",
      "routes",
      "test",
      `--config.file=${configFile}`,
      ...args,
    ]);
    return stdout.trim();
  } catch (error) {
    // A failed run is reported as a mismatch with its message, not thrown from the middle of a batch.
    const failure = error as { stderr?: string; message: string };
    return `amtool failed: ${(failure.stderr ?? failure.message).trim()}`;
  }
}

async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
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

interface Mismatch {
  labels: LabelSet;
  ours: string;
  amtool: string;
}

/** Asks amtool about every label set and compares; returns the mismatches. */
async function compare(configFile: string, router: Router, sets: readonly LabelSet[]): Promise<Mismatch[]> {
  const answers = await mapConcurrently(sets, CONCURRENCY, (labels) => amtoolReceivers(configFile, labels));
  return sets.flatMap((labels, i) => {
    const ours = router.receivers(labels).join(",");
    return ours === answers[i] ? [] : [{ labels, ours, amtool: answers[i] }];
  });
}

function assertNoMismatch(mismatches: readonly Mismatch[], total: number, context: string): void {
  const shown = mismatches
    .slice(0, 10)
    .map((m) => `  ${JSON.stringify(m.labels)}\n    ours:   ${m.ours}\n    amtool: ${m.amtool}`);
  assert.equal(
    mismatches.length,
    0,
    `${mismatches.length} of ${total} label sets route differently (${context}); ` +
      `the first ${shown.length}:\n${shown.join("\n")}`,
  );
}

/** Every value the routes match on, by label name; a regex of literal alternatives adds each one. */
function routeValues(route: AmRoute, into = new Map<string, Set<string>>()): Map<string, Set<string>> {
  for (const line of route.matchers ?? []) {
    for (const matcher of parseMatchers(line)) {
      const values = into.get(matcher.name) ?? new Set<string>();
      values.add(matcher.value);
      if (matcher.op.endsWith("~") && /^[\w-]+(\|[\w-]+)*$/.test(matcher.value)) {
        for (const alternative of matcher.value.split("|")) values.add(alternative);
      }
      into.set(matcher.name, values);
    }
  }
  for (const child of route.routes ?? []) routeValues(child, into);
  return into;
}

/** Each key independently absent, empty, one of the config's values or a tricky one. */
function randomLabelSet(byName: Map<string, Set<string>>): fc.Arbitrary<LabelSet> {
  const all = [...new Set([...byName.values()].flatMap((values) => [...values]))];
  const value = (key: string) => {
    const own = [...(byName.get(key) ?? [])];
    const choices: fc.WeightedArbitrary<string | undefined>[] = [
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant("") },
      { weight: 1, arbitrary: fc.constantFrom(...all) },
      { weight: 1, arbitrary: fc.constantFrom(...TRICKY) },
    ];
    // A key the routes test with one value (alertname="Watchdog") would otherwise swallow half the sets.
    if (own.length > 0) choices.push({ weight: Math.min(own.length, 4), arbitrary: fc.constantFrom(...own) });
    return fc.oneof(...choices);
  };
  return fc
    .record(Object.fromEntries(KEYS.map((key) => [key, value(key)])))
    .map(
      (record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as LabelSet,
    );
}

function allNodes(node: RouteNode): RouteNode[] {
  return [node, ...node.children.flatMap(allNodes)];
}

/**
 * One label's value upper-cased, or its name capitalised: matching is case-sensitive in both, so
 * `vertical="Healthcare"` and `Vertical="healthcare"` must miss the healthcare routes alike.
 */
function recased(labels: Record<string, string>, how: number, pick: number): Record<string, string> {
  const keys = Object.keys(labels).filter((key) => /[a-z]/.test(key + labels[key]));
  if (how === 0 || keys.length === 0) return labels;
  const key = keys[pick % keys.length];
  const out = { ...labels };
  if (how === 1) out[key] = labels[key].toUpperCase();
  else {
    delete out[key];
    out[key.charAt(0).toUpperCase() + key.slice(1)] = labels[key];
  }
  return out;
}

/**
 * Aimed at one route: the labels its path's `=` and `=~` matchers ask for, over random noise, with
 * up to two of those labels dropped again, so siblings, fallbacks and `continue` are all exercised;
 * one set in four has one value or one label name in another case.
 */
function aimedLabelSet(root: RouteNode, byName: Map<string, Set<string>>): fc.Arbitrary<LabelSet> {
  const targets = allNodes(root).filter((node) => node.matchers.length > 0);
  const recasing = fc.oneof(
    { weight: 6, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.constant(1) },
    { weight: 1, arbitrary: fc.constant(2) },
  );
  return fc
    .tuple(
      fc.constantFrom(...targets),
      randomLabelSet(byName),
      fc.nat(),
      fc.subarray(KEYS, { maxLength: 2 }),
      recasing,
    )
    .map(([target, noise, pick, dropped, how]) => {
      const labels: Record<string, string> = { ...noise };
      for (let node: RouteNode | undefined = target; node; node = node.parent) {
        for (const matcher of node.matchers) {
          if (matcher.op === "=") labels[matcher.name] = matcher.value;
          if (matcher.op === "=~" && /^[\w-]+(\|[\w-]+)*$/.test(matcher.value)) {
            const alternatives = matcher.value.split("|");
            labels[matcher.name] = alternatives[pick % alternatives.length];
          }
        }
      }
      for (const key of dropped) delete labels[key];
      return recased(labels, how, pick);
    });
}

function generatedSets(config: AmConfig, root: RouteNode, count: number, seed: number): LabelSet[] {
  const byName = routeValues(config.route);
  const arbitrary = fc.oneof(
    { weight: 1, arbitrary: randomLabelSet(byName) },
    { weight: 3, arbitrary: aimedLabelSet(root, byName) },
  );
  const unique = new Map<string, LabelSet>();
  for (const labels of fc.sample(arbitrary, { numRuns: count * 3, seed })) {
    if (unique.size === count) break;
    unique.set(JSON.stringify(Object.entries(labels).sort()), labels);
  }
  assert.equal(unique.size, count, `only ${unique.size} distinct label sets from seed ${seed}`);
  return [...unique.values()];
}

interface RuleFile {
  groups: { rules: { alert?: string; labels?: Record<string, string> }[] }[];
}

/** Each catalogue alert as it leaves Prometheus, without a tier and with each tier the routes know. */
function catalogueSets(dir: string, tiers: readonly string[]): LabelSet[] {
  const rulesDir = path.join(dir, "rules");
  const ruleFiles = fs.readdirSync(rulesDir).filter((file) => !file.endsWith(".test.yaml"));
  const alerts = ruleFiles.flatMap((file) => {
    const rules = (yaml.load(fs.readFileSync(path.join(rulesDir, file), "utf8")) as RuleFile).groups.flatMap(
      (group) => group.rules,
    );
    return rules.flatMap((rule): Record<string, string>[] =>
      rule.alert ? [{ ...rule.labels, alertname: rule.alert }] : [],
    );
  });
  assert.ok(alerts.length > 0, `no alerts in ${rulesDir}`);
  return alerts.flatMap((labels) => {
    const { tier: _ignored, ...untiered } = labels;
    return [untiered, ...tiers.map((tier) => ({ ...untiered, tier }))];
  });
}

function receiversPerSecond(router: Router, sets: readonly LabelSet[]): number {
  const rounds = 50;
  const start = performance.now();
  let routed = 0;
  for (let round = 0; round < rounds; round++)
    for (const labels of sets) routed += router.receivers(labels).length;
  assert.ok(routed > 0);
  return Math.round((rounds * sets.length) / ((performance.now() - start) / 1000));
}

describe("the routing evaluator agrees with amtool config routes test", () => {
  it("amtool prints receivers comma-joined, duplicates kept, and reads k= and quoted values", async () => {
    const config: AmConfig = {
      route: {
        receiver: "root",
        routes: [
          { receiver: "dup", matchers: ['x="1"'], continue: true },
          { receiver: "dup", matchers: ['x=~"1|2"'], continue: true },
          { matchers: ['y=""'], continue: true },
          { receiver: "spaced", matchers: ['z="P1 "'] },
          { receiver: "quoted", matchers: ['z="say \\"hi\\" \\\\o/"'] },
        ],
      },
      receivers: ["root", "dup", "spaced", "quoted"].map((name) => ({ name })),
    };
    const configFile = path.join(tempDir("conformance-format"), "alertmanager.yaml");
    fs.writeFileSync(configFile, yaml.dump(config));
    const cases: { labels: LabelSet; expect: string }[] = [
      { labels: { x: "1" }, expect: "dup,dup,root" },
      { labels: { x: "1", y: "" }, expect: "dup,dup,root" },
      { labels: { x: "1", y: "a" }, expect: "dup,dup" },
      { labels: { y: "a", z: "P1 " }, expect: "spaced" },
      { labels: { y: "a", z: "P1" }, expect: "root" },
      { labels: { y: "a", z: 'say "hi" \\o/' }, expect: "quoted" },
    ];
    const router = createRouter(config);
    for (const c of cases) {
      assert.equal(
        await amtoolReceivers(configFile, c.labels),
        c.expect,
        `amtool on ${JSON.stringify(c.labels)}`,
      );
      assert.equal(router.receivers(c.labels).join(","), c.expect, `ours on ${JSON.stringify(c.labels)}`);
    }
  });

  for (const stack of STACKS) {
    it(`${stack}: generated label sets and the catalogue's alerts`, {
      timeout: 150_000,
    }, async (t: TestContext) => {
      const dir = renderStack(stack, tempDir(`conformance-${stack}`));
      const configFile = path.join(dir, "alertmanager.yaml");
      const config = yaml.load(fs.readFileSync(configFile, "utf8")) as AmConfig;
      const router = createRouter(config);
      const generated = generatedSets(config, router.root, GENERATED_PER_STACK, SEED);
      const catalogue = catalogueSets(dir, [...(routeValues(config.route).get("tier") ?? [])]);
      const sets = [...generated, ...catalogue];

      const start = performance.now();
      const mismatches = await compare(configFile, router, sets);
      const seconds = ((performance.now() - start) / 1000).toFixed(1);
      const distinct = new Set(sets.map((labels) => router.receivers(labels).join(","))).size;
      t.diagnostic(
        `${stack}: ${generated.length} generated (seed ${SEED}) + ${catalogue.length} catalogue label sets ` +
          `compared with amtool in ${seconds}s; ${distinct} distinct receiver lists`,
      );
      t.diagnostic(
        `${stack}: receivers() ${receiversPerSecond(router, sets).toLocaleString("en-US")} calls/s`,
      );
      assertNoMismatch(
        mismatches,
        sets.length,
        `stack ${stack}, seed ${SEED}; rerun with ROUTING_SEED=${SEED}`,
      );
    });
  }
});
