// Synthetic stacks for the benchmarks: verticals × alerts per vertical × tools × teams, built from the
// production catalogues (alerts/*.yaml) and Pulumi.prod.yaml, so every generated stack passes the
// program's own validation for the same reasons production does.
//
// `node dist/bench/generate.js --verticals 60 --alerts 100 [--tools 0] [--teams 0] --out <dir>`
// writes <dir>/Pulumi.<stack>.yaml and <dir>/alerts/bench-v<n>.yaml; render it with
// `npm run render -- --stack <stack> --config <dir>/Pulumi.<stack>.yaml --out <out>`.
import * as fs from "node:fs";
import * as path from "node:path";
import yaml from "js-yaml";
import { alertNamePrefix, PROJECT, WATCHDOG_ALERT } from "../core/conventions";
import { PROJECT_DIR } from "../pipeline/projectFiles";

export interface StackShape {
  /** Synthetic verticals, `bench-v1` … `bench-v<n>`; each copies a production vertical's catalogue. */
  verticals: number;
  /** Hand-written alerts per vertical, the Watchdog included (SLOs add their burn-rate alerts). */
  alertsPerVertical: number;
  /** Extra tool names (`bench-tool-<n>`) that the copied tool alerts rotate through; 0 keeps prod's. */
  tools?: number;
  /** Extra teams (`bench-team-<n>`) that own the extra tools; 0 leaves them to the fallback team. */
  teams?: number;
}

export interface GeneratedStack {
  stack: string;
  stackFile: string;
  /** Hand-written catalogue alerts over all verticals. */
  alerts: number;
  shape: StackShape;
}

type Yaml = Record<string, unknown>;
interface CatalogueRule extends Yaml {
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
}
interface CatalogueGroup extends Yaml {
  name: string;
  rules: CatalogueRule[];
}
interface TemplateVertical {
  id: string;
  tiers: string[];
  sev1EscalatesToExec?: boolean;
  catalogue: string;
}

const KEY = (key: string) => `${PROJECT}:${key}`;

function readYaml(file: string): Yaml {
  return yaml.load(fs.readFileSync(file, "utf8")) as Yaml;
}

/** The production stack file, the base every synthetic stack copies its teams, tiers and settings from. */
export function prodStack(): { file: string; config: Yaml } {
  const file = path.join(PROJECT_DIR, "Pulumi.prod.yaml");
  return { file, config: readYaml(file).config as Yaml };
}

/** Every string in `value`, rewritten by `edit`; keys stay as they are. */
function mapStrings(value: unknown, edit: (text: string) => string): unknown {
  if (typeof value === "string") return edit(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, edit));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, edit)]));
  }
  return value;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The template's catalogue moved to another vertical: its id in selectors (`"healthcare"`), runbook
 * paths (`/healthcare/`) and plain values (`vertical: healthcare`), and the alert-name prefix.
 */
function retarget(catalogue: Yaml, from: string, to: string): Yaml {
  const quoted = new RegExp(`(["/])${escapeRegExp(from)}(["/])`, "g");
  const moved = mapStrings(catalogue, (text) =>
    text === from ? to : text.replace(quoted, (_, open: string, close: string) => `${open}${to}${close}`),
  ) as Yaml;
  const fromPrefix = alertNamePrefix(from);
  for (const group of moved.groups as CatalogueGroup[]) {
    for (const rule of group.rules) {
      if (rule.alert?.startsWith(fromPrefix))
        rule.alert = alertNamePrefix(to) + rule.alert.slice(fromPrefix.length);
    }
  }
  return moved;
}

/** Copy `copy` of a group: distinct group and alert names, and tool alerts moved to `toolFor`'s tool. */
function copyGroup(group: CatalogueGroup, copy: number, toolFor: (tool: string) => string): CatalogueGroup {
  if (copy === 0) return group;
  const rules = group.rules.map((rule) => {
    const tool = rule.labels?.tool_name;
    const next = tool === undefined ? tool : toolFor(tool);
    const renamed: CatalogueRule = { ...rule, alert: rule.alert && `${rule.alert}R${copy}` };
    if (tool !== undefined && next !== undefined && next !== tool) {
      // Another tool's series, with another owner: a symptom of its own.
      const symptom = rule.labels?.symptom;
      renamed.labels = {
        ...rule.labels,
        tool_name: next,
        ...(symptom ? { symptom: `${symptom}-r${copy}` } : {}),
      };
      renamed.expr = rule.expr.replaceAll(`tool_name="${tool}"`, `tool_name="${next}"`);
    }
    return renamed;
  });
  return { ...group, name: `${group.name}-r${copy}`, rules };
}

/**
 * A catalogue of exactly `alerts` hand-written alerts: the template's Watchdog group once, then its
 * other groups copied as often as needed, the last copy cut short. Histograms and SLOs come once.
 */
function scaleCatalogue(catalogue: Yaml, alerts: number, toolFor: (copy: number, tool: string) => string) {
  const groups = catalogue.groups as CatalogueGroup[];
  const isWatchdogGroup = (group: CatalogueGroup) =>
    group.rules.some((rule) => rule.alert === WATCHDOG_ALERT);
  const out: CatalogueGroup[] = groups.filter(isWatchdogGroup);
  const others = groups.filter((group) => !isWatchdogGroup(group));
  let left = alerts - out.reduce((sum, group) => sum + group.rules.length, 0);
  for (let copy = 0; left > 0; copy++) {
    for (const group of others) {
      if (left <= 0) break;
      const copied = copyGroup(group, copy, (tool) => toolFor(copy, tool));
      copied.rules = copied.rules.slice(0, left);
      left -= copied.rules.length;
      out.push(copied);
    }
  }
  return { ...catalogue, groups: out };
}

export function stackName(shape: StackShape): string {
  const extra =
    (shape.tools ?? 0) > 0 || (shape.teams ?? 0) > 0 ? `-t${shape.tools ?? 0}-o${shape.teams ?? 0}` : "";
  return `bench-${shape.verticals}x${shape.alertsPerVertical}${extra}`;
}

/** Writes a synthetic stack into `dir` and returns its stack file; catalogue paths in it are absolute. */
export function generateStack(shape: StackShape, dir: string): GeneratedStack {
  const { config } = prodStack();
  const templates = config[KEY("verticals")] as TemplateVertical[];
  const toolCount = shape.tools ?? 0;
  const teamCount = shape.teams ?? 0;
  const tools = Array.from({ length: toolCount }, (_, i) => `bench-tool-${i + 1}`);
  // Copy 0 keeps the template's tools, so production's owners keep their alerts at every scale.
  const toolFor = (copy: number, tool: string) =>
    copy === 0 || tools.length === 0 ? tool : tools[(copy - 1) % tools.length];

  const stack = stackName(shape);
  const alertsDir = path.join(dir, "alerts");
  fs.mkdirSync(alertsDir, { recursive: true });
  const verticals: Yaml[] = [];
  let alerts = 0;
  for (let i = 0; i < shape.verticals; i++) {
    const template = templates[i % templates.length];
    const id = `bench-v${i + 1}`;
    const catalogue = readYaml(path.join(PROJECT_DIR, template.catalogue));
    const scaled = scaleCatalogue(retarget(catalogue, template.id, id), shape.alertsPerVertical, toolFor);
    for (const group of scaled.groups as CatalogueGroup[]) alerts += group.rules.length;
    const file = path.join(alertsDir, `${id}.yaml`);
    fs.writeFileSync(file, yaml.dump(scaled, { lineWidth: -1, noRefs: true }));
    verticals.push({
      id,
      tiers: template.tiers,
      namespace: id,
      sev1EscalatesToExec: template.sev1EscalatesToExec ?? false,
      catalogue: file,
    });
  }

  const teams = [...(config[KEY("teams")] as Yaml[])];
  for (let i = 1; i <= teamCount; i++) {
    const id = `bench-team-${i}`;
    teams.push({
      id,
      name: `Bench Team ${i}`,
      email: `${id}@callsphere.example`,
      slackChannel: `#oncall-${id}`,
      members: [
        { name: `Bench ${i} A`, email: `${id}-a@callsphere.example`, timeZone: "America/New_York" },
        { name: `Bench ${i} B`, email: `${id}-b@callsphere.example`, timeZone: "Europe/London" },
      ],
    });
  }
  const toolOwners = { ...(config[KEY("toolOwners")] as Record<string, string>) };
  if (teamCount > 0) {
    for (const [i, tool] of tools.entries()) toolOwners[tool] = `bench-team-${(i % teamCount) + 1}`;
  }

  const stackFile = path.join(dir, `Pulumi.${stack}.yaml`);
  // prod's bridge maps its own verticals, which the generated stack replaces: the bench measures
  // verticals, alerts and teams, so it runs without one.
  const { [KEY("bridge")]: _bridge, ...rest } = config;
  const values = {
    ...rest,
    [KEY("teams")]: teams,
    [KEY("toolOwners")]: toolOwners,
    [KEY("verticals")]: verticals,
  };
  const header = `# Generated by bench/generate.ts: ${JSON.stringify(shape)}\n`;
  fs.writeFileSync(stackFile, header + yaml.dump({ config: values }, { lineWidth: -1, noRefs: true }));
  return { stack, stackFile, alerts, shape };
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (flag: string, fallback?: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : fallback;
  };
  const out = option("--out");
  const shape: StackShape = {
    verticals: Number(option("--verticals", "60")),
    alertsPerVertical: Number(option("--alerts", "100")),
    tools: Number(option("--tools", "0")),
    teams: Number(option("--teams", "0")),
  };
  const valid = Object.values(shape).every((value) => Number.isInteger(value) && value >= 0);
  if (!out || !valid || shape.verticals < 1 || shape.alertsPerVertical < 1) {
    process.stderr.write(
      "usage: node dist/bench/generate.js --out <dir> [--verticals 60] [--alerts 100] [--tools 0] [--teams 0]\n",
    );
    process.exit(2);
  }
  const generated = generateStack(shape, path.resolve(out));
  process.stdout.write(`${generated.stackFile}: stack ${generated.stack}, ${generated.alerts} alerts\n`);
}

if (require.main === module) main();
