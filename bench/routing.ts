// Routing throughput on a rendered tree: our evaluator (`createRouter(config).receivers`) beside
// `amtool config routes test`, over the same label sets, and whether the two agree on them.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import yaml from "js-yaml";
import { createRouter } from "../alertmanager/evaluate";
import type { AmConfig, LabelSet } from "../alertmanager/types";
import { renderedAlerts } from "./figures";
import { median } from "./measure";

const execFileAsync = promisify(execFile);

export interface RoutingFigures {
  labelSets: number;
  evaluatorAlertsPerSecond: number;
  evaluatorTrials: number;
  /** Null when amtool is not installed; the rest of the benchmark still runs. */
  amtool: null | {
    version: string;
    calls: number;
    alertsPerSecond: number;
    batches: number;
    agreed: number;
  };
}

/**
 * Every rendered alert as it leaves Prometheus, without a tier label and under each tier of the
 * stack: the questions the routing matrix asks, and the ones a tier typo would ask.
 */
export function labelSetsOf(stackDir: string, tiers: readonly string[]): LabelSet[] {
  return renderedAlerts(stackDir).flatMap(({ alert, labels }) => {
    const base = { ...labels, alertname: alert };
    return [base, ...tiers.map((tier) => ({ ...base, tier }))];
  });
}

/** Routes the label sets round and round for at least `ms`; alerts per second of that trial. */
function evaluatorTrial(receivers: (labels: LabelSet) => string[], sets: readonly LabelSet[], ms: number) {
  let routed = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(ms * 1e6);
  let now = start;
  while (now < until) {
    for (const labels of sets) sink += receivers(labels).length;
    routed += sets.length;
    now = process.hrtime.bigint();
  }
  // `sink` keeps the calls from being optimised away.
  if (sink < 0) throw new Error("unreachable");
  return routed / (Number(now - start) / 1e9);
}

/** amtool 0.25's `k=v` argument: values quoted with `\"`, `\\` and `\n` escaped (see conformance test). */
function labelArg(name: string, value: string): string {
  if (value === "") return `${name}=`;
  return `${name}="${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, "\\n")}"`;
}

async function amtoolReceivers(amtool: string, configFile: string, labels: LabelSet): Promise<string> {
  const args = Object.entries(labels).map(([name, value]) => labelArg(name, value));
  const { stdout } = await execFileAsync(amtool, [
    "config",
    "routes",
    "test",
    `--config.file=${configFile}`,
    ...args,
  ]);
  return stdout.trim();
}

export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

export async function routingFigures(
  stackDir: string,
  tiers: readonly string[],
  options: { trials: number; trialMs: number; amtoolBatches: number; amtoolBatchSize: number },
): Promise<RoutingFigures> {
  const configFile = path.join(stackDir, "alertmanager.yaml");
  const config = yaml.load(fs.readFileSync(configFile, "utf8")) as AmConfig;
  const sets = labelSetsOf(stackDir, tiers);
  const router = createRouter(config);
  const receivers = (labels: LabelSet) => router.receivers(labels);
  // A short warm-up, so the trials time optimised code, as a long-lived process would run it.
  evaluatorTrial(receivers, sets, 200);
  const rates = Array.from({ length: options.trials }, () =>
    evaluatorTrial(receivers, sets, options.trialMs),
  );

  const amtool = findTool("amtool");
  if (!amtool) {
    return {
      labelSets: sets.length,
      evaluatorAlertsPerSecond: median(rates),
      evaluatorTrials: rates.length,
      amtool: null,
    };
  }
  const { stdout: versionText } = await execFileAsync(amtool, ["--version"]);
  const version = /version ([^\s]+)/.exec(versionText)?.[1] ?? "unknown";
  // One call at a time: amtool has no batch mode, and a call is one Go process (start-up, config parse,
  // one answer). Batches take spread-out label sets, so each covers several verticals.
  const amtoolRates: number[] = [];
  let agreed = 0;
  let calls = 0;
  const stride = Math.max(1, Math.floor(sets.length / (options.amtoolBatches * options.amtoolBatchSize)));
  for (let batch = 0; batch < options.amtoolBatches; batch++) {
    const picked = Array.from(
      { length: options.amtoolBatchSize },
      (_, i) => sets[(batch + i * options.amtoolBatches * stride) % sets.length],
    );
    const start = process.hrtime.bigint();
    const answers: string[] = [];
    for (const labels of picked) answers.push(await amtoolReceivers(amtool, configFile, labels));
    amtoolRates.push(picked.length / (Number(process.hrtime.bigint() - start) / 1e9));
    picked.forEach((labels, i) => {
      if (router.receivers(labels).join(",") === answers[i]) agreed++;
    });
    calls += picked.length;
  }
  return {
    labelSets: sets.length,
    evaluatorAlertsPerSecond: median(rates),
    evaluatorTrials: rates.length,
    amtool: { version, calls, alertsPerSecond: median(amtoolRates), batches: amtoolRates.length, agreed },
  };
}
