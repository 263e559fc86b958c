// `npm run bench`: renders prod and synthetic 10× and 100× catalogues in child processes beside the
// floor, reads the outputs, profiles one render of prod and of 100×, times the routing evaluator
// against amtool, and rewrites BENCHMARKS.md.
// `npm run bench -- --quick` runs everything once and prints the report instead of writing it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../pipeline/projectFiles";
import { outputFigures } from "./figures";
import { generateStack, prodStack, type StackShape } from "./generate";
import { measure, median, type Sample, summarise } from "./measure";
import { type ProfileSummary, readMainProfile, summarise as summariseProfile } from "./profile";
import { renderReport } from "./report";
import { routingFigures } from "./routing";
import type { Scale, ScaleResult } from "./types";

/**
 * The whole run must end within ten minutes on a shared two-core machine. Rounds past the third and
 * the profiles run only while the time they are expected to take still fits this budget.
 */
const BUDGET_MS = 8.5 * 60_000;
const MIN_ROUNDS = 3;

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function renderArgs(scale: Scale, out: string): string[] {
  return ["--stack", scale.stack, "--out", out, ...(scale.stackFile ? ["--config", scale.stackFile] : [])];
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "agent-alert-routing-bench-"));
  try {
    await bench(work, process.argv.includes("--quick"));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function bench(work: string, quick: boolean): Promise<void> {
  const startedAt = new Date();
  const started = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
  const loadStart = os.loadavg()[0];
  const skipped: string[] = [];

  const shapes: { id: string; label: string; shape: StackShape; runs: number; profile: boolean }[] = [
    {
      id: "10x",
      label: "10× (20 verticals × 30 alerts)",
      shape: { verticals: 20, alertsPerVertical: 30 },
      runs: 5,
      profile: false,
    },
    {
      id: "100x",
      label: "100× (60 verticals × 100 alerts)",
      shape: { verticals: 60, alertsPerVertical: 100 },
      runs: 3,
      profile: true,
    },
    {
      id: "10x-teams",
      label: "10× + 4 tools owned by 2 more teams",
      shape: { verticals: 20, alertsPerVertical: 30, tools: 4, teams: 2 },
      runs: 0,
      profile: false,
    },
  ];
  const scales: Scale[] = [
    { id: "prod", label: "prod (6 verticals)", stack: "prod", runs: 5, profile: true },
    ...shapes.map(({ id, label, shape, runs, profile }) => {
      const generated = generateStack(shape, path.join(work, id));
      return { id, label, stack: generated.stack, stackFile: generated.stackFile, shape, runs, profile };
    }),
    { id: "staging", label: "staging (configmap mode)", stack: "staging", runs: 0, profile: false },
  ];
  const outDir = (scale: Scale) => path.join(work, "out", scale.id);
  const wanted = (runs: number) => (quick ? Math.min(runs, 1) : runs);

  // Rounds interleave the floor and every scale, so a change of machine load during the run reaches
  // all of them instead of skewing one. A scale with no timed runs renders once, in the first round.
  const floorSamples: Sample[] = [];
  /** Per scale, its wall time over the floor's of the same round: the paired ratios. */
  const ratios = new Map<string, number[]>(scales.map((scale) => [scale.id, []]));
  const samples = new Map<string, Sample[]>(scales.map((scale) => [scale.id, []]));
  const during: number[] = [];
  const floorRuns = wanted(5);
  const rounds = Math.max(floorRuns, ...scales.map((scale) => wanted(scale.runs)));
  let lastRoundMs = 0;
  for (let round = 0; round < rounds; round++) {
    // Profiles and routing take about as long as one round; leave room for them.
    if (round >= MIN_ROUNDS && elapsedMs() + 2 * lastRoundMs > BUDGET_MS) {
      skipped.push(
        `timed rounds ${round + 1} to ${rounds}, for lack of time (each took ${seconds(lastRoundMs)})`,
      );
      break;
    }
    const roundStart = elapsedMs();
    let floorOfRound: Sample | undefined;
    if (round < floorRuns) {
      during.push(os.loadavg()[0]);
      floorOfRound = await measure("dist/bench/floor.js");
      floorSamples.push(floorOfRound);
    }
    for (const scale of scales) {
      if (round >= Math.max(1, wanted(scale.runs))) continue;
      during.push(os.loadavg()[0]);
      const sample = await measure("dist/cli/render.js", renderArgs(scale, outDir(scale)));
      samples.get(scale.id)?.push(sample);
      if (floorOfRound && scale.runs > 0) ratios.get(scale.id)?.push(sample.wallMs / floorOfRound.wallMs);
      log(`round ${round + 1}/${rounds}: ${scale.id} ${seconds(sample.wallMs)}`);
    }
    lastRoundMs = elapsedMs() - roundStart;
  }

  // One profiled render per profiled scale, for where its time goes; not part of the timed figures.
  const profiles = new Map<string, ProfileSummary>();
  for (const scale of scales.filter((candidate) => candidate.profile)) {
    const expected = (samples.get(scale.id)?.[0]?.wallMs ?? 0) * 1.3;
    if (elapsedMs() + expected > BUDGET_MS) {
      skipped.push(`the profile of ${scale.id}, for lack of time`);
      continue;
    }
    const dir = path.join(work, "profiles", scale.id);
    await measure("dist/cli/render.js", renderArgs(scale, path.join(work, "profiled")), [
      "--cpu-prof",
      `--cpu-prof-dir=${dir}`,
    ]);
    profiles.set(scale.id, summariseProfile(readMainProfile(dir), 12));
    log(`profiled ${scale.id}`);
  }

  const results: ScaleResult[] = scales.map((scale) => ({
    scale,
    timing: scale.runs > 0 ? summarise(samples.get(scale.id) ?? []) : undefined,
    pairedRatio: (ratios.get(scale.id) ?? []).length > 0 ? median(ratios.get(scale.id) ?? []) : undefined,
    figures: outputFigures(path.join(outDir(scale), scale.stack)),
    profile: profiles.get(scale.id),
  }));

  const tiers = Object.keys(prodStack().config["agent-alert-routing:tiers"] as Record<string, unknown>);
  const routing = await routingFigures(path.join(outDir(scales[0]), "prod"), tiers, {
    trials: wanted(5),
    trialMs: 500,
    amtoolBatches: wanted(3),
    amtoolBatchSize: quick ? 5 : 20,
  });
  log("routing measured");

  const cpu = os.cpus();
  const report = renderReport({
    startedAt,
    totalMs: elapsedMs(),
    machine: {
      cpu: cpu[0]?.model ?? "unknown",
      cores: cpu.length,
      memoryGiB: os.totalmem() / 2 ** 30,
      node: process.version,
      os: `${os.type()} ${os.release()}`,
    },
    load: { start: loadStart, during, end: os.loadavg()[0] },
    floor: summarise(floorSamples),
    scales: results,
    routing,
    quick,
    skipped,
  });
  if (quick) {
    process.stdout.write(report);
    return;
  }
  fs.writeFileSync(path.join(PROJECT_DIR, "BENCHMARKS.md"), report);
  log(`wrote BENCHMARKS.md in ${(elapsedMs() / 60_000).toFixed(1)} min`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
