// Reads a `node --cpu-prof` profile: the functions and files with the most self time, the project
// functions with the most total time, and the render's time split by what it was doing.
// `node dist/bench/profile.js <file.cpuprofile> [top]` prints them, so a hot spot shows without a browser.
import * as fs from "node:fs";
import * as path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  ms: number;
}

const PROJECT_URL = `file://${path.resolve(__dirname, "..")}/`;

const isProjectFrame = (url: string) => url.startsWith(PROJECT_URL) && !url.includes("/node_modules/");

/** `node_modules/@pulumi/pulumi/…` → `@pulumi/pulumi`; a project file keeps its path. */
function fileOf(url: string): string {
  if (url === "") return "(native)";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const parts = url.slice(modules + "node_modules/".length).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return url.startsWith(PROJECT_URL) ? url.slice(PROJECT_URL.length) : url;
}

function top(map: Map<string, number>, count: number): ProfileRow[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, ms: us / 1000 }));
}

/**
 * What the render was doing, judged by the innermost project function on the stack that names a
 * step (so the policy pack's own buildModel counts as validation), else by the sampled function.
 */
const STEPS: readonly [RegExp, string][] = [
  [/^buildModel$/, "validating config and catalogues (buildModel)"],
  [/^buildPlan$/, "planning (buildPlan)"],
  [/^(routingMatrix|lintRoutes|reviewRouting)$/, "routing matrix and static checks"],
  [
    /^(kubernetesObjects|renderAlertmanagerYaml|alertmanagerConfig)$/,
    "Alertmanager config, rule objects, YAML",
  ],
  [/^(validatePrometheusRules|checkKubernetesObjects)$/, "Kubernetes checks (names, CRD schema)"],
  [/^(checkStackPolicies|policyConfigForStack|runPolicies)$/, "policy pack"],
  [
    /^(deliveredFiles|maskSecrets|renderRoutingDoc|routeKeys|renderSummary)$/,
    "reading back and writing the files",
  ],
];

export const CATEGORY = {
  loading: "loading modules (require, import)",
  runtime: "Pulumi runtime (registering resources, serialising inputs)",
  gc: "garbage collection",
  idle: "idle (waiting for I/O or the loader thread)",
  other: "everything else",
} as const;

function categoryOf(frames: readonly ProfileNode["callFrame"][]): string {
  for (const frame of frames) {
    if (frame.url.startsWith("node:internal/modules/")) return CATEGORY.loading;
    if (!isProjectFrame(frame.url)) continue;
    const step = STEPS.find(([pattern]) => pattern.test(frame.functionName));
    if (step) return step[1];
  }
  const leaf = frames[0];
  if (leaf.functionName === "(garbage collector)") return CATEGORY.gc;
  if (leaf.functionName === "(idle)") return CATEGORY.idle;
  if (frames.some((frame) => /node_modules\/(@pulumi\/pulumi|google-protobuf|@grpc)\//.test(frame.url))) {
    return CATEGORY.runtime;
  }
  return CATEGORY.other;
}

export interface ProfileSummary {
  totalMs: number;
  selfByFunction: ProfileRow[];
  selfByFile: ProfileRow[];
  projectTotal: ProfileRow[];
  /** The whole profile split by `categoryOf`, largest first. */
  categories: ProfileRow[];
}

export function summarise(profile: CpuProfile, count = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  const projectTotal = new Map<string, number>();
  const categories = new Map<string, number>();
  const label = (node: ProfileNode) => {
    const frame = node.callFrame;
    return `${frame.functionName || "(anonymous)"} ${fileOf(frame.url)}:${frame.lineNumber + 1}`;
  };
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    functions.set(label(node), (functions.get(label(node)) ?? 0) + us);
    const file = fileOf(node.callFrame.url);
    files.set(file, (files.get(file) ?? 0) + us);
    const stack: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (frame) stack.push(frame);
    }
    const category = categoryOf(stack.map((frame) => frame.callFrame));
    categories.set(category, (categories.get(category) ?? 0) + us);
    // Total time: every distinct project function on the stack once (recursion counts once).
    const seen = new Set<string>();
    for (const frame of stack) {
      if (!isProjectFrame(frame.callFrame.url)) continue;
      const name = label(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      projectTotal.set(name, (projectTotal.get(name) ?? 0) + us);
    }
  }
  return {
    totalMs: [...selfUs.values()].reduce((sum, us) => sum + us, 0) / 1000,
    selfByFunction: top(functions, count),
    selfByFile: top(files, count),
    projectTotal: top(projectTotal, count),
    categories: top(categories, categories.size),
  };
}

/** Sampled time the thread was not idle. */
function busyUs(profile: CpuProfile): number {
  const idle = new Set(
    profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id),
  );
  let us = 0;
  for (const [i, id] of profile.samples.entries()) if (!idle.has(id)) us += profile.timeDeltas[i] ?? 0;
  return us;
}

/** The main thread's profile among those one run wrote (a worker thread would write its own): the busiest. */
export function readMainProfile(dir: string): CpuProfile {
  const profiles = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".cpuprofile"))
    .map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as CpuProfile);
  if (profiles.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  return profiles.reduce((best, profile) => (busyUs(profile) > busyUs(best) ? profile : best));
}

function main(): void {
  const [file, count] = process.argv.slice(2);
  if (!file) {
    process.stderr.write("usage: node dist/bench/profile.js <file.cpuprofile> [top]\n");
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const result = summarise(profile, Number(count ?? 25));
  const print = (title: string, rows: ProfileRow[]) => {
    process.stdout.write(`\n${title}\n`);
    for (const row of rows) process.stdout.write(`${row.ms.toFixed(1).padStart(9)} ms  ${row.name}\n`);
  };
  process.stdout.write(`sampled ${result.totalMs.toFixed(0)} ms\n`);
  print("by step", result.categories);
  print("self time by function", result.selfByFunction);
  print("self time by file or package", result.selfByFile);
  print("total time of project functions", result.projectTotal);
}

if (require.main === module) main();
