// The figures the HA suite measures (latencies, repeated pages), printed in the test report and,
// when HA_FIGURES names a file, appended to it as JSON lines for scripts/ha-figures.mjs to sum up.
import * as fs from "node:fs";
import type { TestContext } from "node:test";

export type Unit = "ms" | "pages";

export function record(t: TestContext, name: string, value: number, unit: Unit, note = ""): void {
  const shown = unit === "ms" ? `${(value / 1000).toFixed(1)} s` : `${value} ${unit}`;
  t.diagnostic(`figure ${name}: ${shown}${note ? ` (${note})` : ""}`);
  const file = process.env.HA_FIGURES;
  if (file) fs.appendFileSync(file, `${JSON.stringify({ name, value, unit })}\n`);
}
