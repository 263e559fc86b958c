// Runs the high-availability end-to-end suite (tests/e2e-ha) several times in a row and prints,
// for each figure it measures, the median and the worst over the runs, as the table in
// docs/high-availability.md. Usage: node scripts/ha-figures.mjs [runs, default 3]
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const runs = Number(process.argv[2] ?? 3);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`error: runs must be a positive whole number, got ${process.argv[2]}`);
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, "..");
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ha-figures-")), "figures.jsonl");

for (let run = 1; run <= runs; run++) {
  console.error(`run ${run} of ${runs}…`);
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", "--test-reporter=dot", "tests/e2e-ha/ha.test.ts"],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, HA_FIGURES: file } },
  );
  if (result.status !== 0) {
    console.error(`error: run ${run} failed (exit ${result.status}); run the suite alone to see why`);
    process.exit(1);
  }
}

const byName = new Map();
for (const line of fs.readFileSync(file, "utf8").trim().split("\n")) {
  const { name, value, unit } = JSON.parse(line);
  if (!byName.has(name)) byName.set(name, { unit, values: [] });
  byName.get(name).values.push(value);
}
const show = (value, unit) => (unit === "ms" ? `${(value / 1000).toFixed(1)} s` : String(value));
console.log(`| figure | runs | median | worst |`);
console.log(`| --- | --- | --- | --- |`);
for (const [name, { unit, values }] of byName) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
  console.log(`| ${name} | ${values.length} | ${show(median, unit)} | ${show(sorted.at(-1), unit)} |`);
}
