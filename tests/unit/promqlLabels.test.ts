// Whether an expression's result can carry a label, read from Prometheus' grammar: each operation
// that drops it is found and named, and nothing that keeps it is refused.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { selectionsOf, topLevelThreshold } from "../../core/promql";
import { labelKept } from "../../core/promqlLabels";

const KEPT: string[] = [
  "sum by (customer) (rate(x[5m])) > 0.05",
  "sum without (tool_name) (rate(x[5m]))",
  "rate(x[5m]) > 1",
  'label_replace(sum(x), "customer", "$1", "c", "(.*)")',
  "histogram_quantile(0.9, sum by (le, customer) (rate(b[5m]))) > 2",
  "sum by (customer) (a) / on (customer) sum by (customer) (b)",
  "sum by (tool) (a) * on (tool) group_left (customer) b",
  "sum by (customer) (a) * on (customer) group_right b",
  "topk(3, x)",
  "(sum by (customer) (a) > 0.05) and sum by (customer) (b) > 2",
  "1 - sum by (customer) (a)",
  "max_over_time(sum by (customer) (a)[10m:1m])",
  "x offset 5m",
  "-x",
  // The grammar reads `b offset 1d` after an operator as an offset of the whole binary expression;
  // Prometheus offsets `b` alone. Labels do not move with an offset, so both readings agree.
  "sum by (customer) (a) - sum by (customer) (a offset 1d)",
  "sum by (customer) (a) - b offset 1d",
];

const DROPPED: [string, string][] = [
  ["sum by (tool_name) (rate(x[5m])) > 0.05", "sum by (tool_name) (rate(x[5m]))"],
  ["sum without (customer) (rate(x[5m]))", "sum without (customer) (rate(x[5m]))"],
  ["sum(rate(x[5m]))", "sum(rate(x[5m]))"],
  ["histogram_quantile(0.9, sum by (le) (rate(b[5m]))) > 2", "sum by (le) (rate(b[5m]))"],
  ["a / ignoring (customer) b", "a / ignoring (customer) b"],
  ["sum by (customer) (a) / on (tool) b", "sum by (customer) (a) / on (tool) b"],
  ["sum by (tool) (a) * on (tool) group_left b", "sum by (tool) (a)"],
  ["vector(1)", "vector(1)"],
  ['absent(x{customer="a"})', 'absent(x{customer="a"})'],
  ["x or vector(0)", "vector(0)"],
  ["count(x) > 3", "count(x)"],
  ["sum by (tier) (a) - b offset 1d > 2", "sum by (tier) (a)"],
];

describe("labelKept", () => {
  for (const expr of KEPT) {
    it(`keeps customer: ${expr}`, () => assert.deepEqual(labelKept(expr, "customer"), { kept: true }));
  }
  for (const [expr, part] of DROPPED) {
    it(`drops customer: ${expr}`, () =>
      assert.deepEqual(labelKept(expr, "customer"), { kept: false, droppedBy: part }));
  }
  it("names a long dropping part by its start", () => {
    const long = `sum(rate(${"a".repeat(80)}[5m]))`;
    const verdict = labelKept(long, "customer");
    assert.equal(verdict.kept, false);
    assert.ok(!verdict.kept && verdict.droppedBy.endsWith("…") && verdict.droppedBy.length === 58);
  });
});

describe("selectionsOf", () => {
  it("lists each selected metric with the labels pinned to one value and those matched by a regex, and nothing else", () => {
    assert.deepEqual(
      selectionsOf(
        'sum(rate(calls_total{vertical="sales",tool_name="crm",status_code=~"5.."}[5m])) / sum(rate(calls_total{vertical="sales"}[5m])) > vector(1)',
      ),
      [
        {
          metric: "calls_total",
          equals: { vertical: "sales", tool_name: "crm" },
          matches: { status_code: "5.." },
        },
        { metric: "calls_total", equals: { vertical: "sales" }, matches: {} },
      ],
    );
    assert.deepEqual(selectionsOf('up{job!="x",zone!~"a.*"} == 0'), [
      { metric: "up", equals: {}, matches: {} },
    ]);
  });
});

describe("an offset after an operator", () => {
  it("leaves the threshold of the comparison that ends the expression where Prometheus reads it", () => {
    assert.equal(topLevelThreshold("x - x offset 1d > 3"), 3);
    assert.equal(topLevelThreshold("sum by (customer) (x) / y offset 1w > 1.5"), 1.5);
    assert.equal(topLevelThreshold("x > y offset 1d"), undefined);
  });
});
