// One end-to-end harness: the real Prometheus and Alertmanager, on 127.0.0.1, running what the
// offline render produced for the e2e stack (production's config with test endpoints and timings),
// one of each or, for the high-availability suite, an Alertmanager cluster and Prometheus replicas,
// scraping a metrics endpoint the test drives and notifying stand-ins for PagerDuty, Slack, SMTP
// and the heartbeat. Everything lives in one temporary folder and every process is stopped by
// `stop()`, or by the exit handlers of processes.ts when the test process itself goes away.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import type { TestContext } from "node:test";
import { promisify } from "node:util";
import yaml from "js-yaml";
import { cliCommand, PROJECT_DIR, requireTool, tempDir } from "../support/tools";
import { type Labels, MetricsEndpoint } from "./metrics";
import { groupAlive, processesMentioning, type Started, startProcess, stopProcess, tail } from "./processes";
import {
  businessHoursWindow,
  type Endpoints,
  e2eStack,
  isRuleFile,
  ruleFor,
  type StackConfigDoc,
  scaleRuleFile,
  TEST_TIMINGS,
  type Timings,
  verticalsOf,
} from "./stackConfig";
import {
  type Email,
  HeartbeatStandIn,
  type PagerDutyEvent,
  PagerDutyStandIn,
  type SlackMessage,
  SlackStandIn,
  SmtpStandIn,
} from "./standIns";
import { getJson, waitFor } from "./wait";

const run = promisify(execFile);

// Required at import: a missing binary fails the suite; it never skips it.
const PROMETHEUS = requireTool("prometheus");
const ALERTMANAGER = requireTool("prometheus-alertmanager");
const PROMTOOL = requireTool("promtool");

export const HEARTBEAT_TOKEN = "e2e-heartbeat-token";
export const SMTP_PASSWORD = "e2e-smtp-password";
/** Fixed, so the links in notifications do not depend on the port. */
export const EXTERNAL_URL = "http://alertmanager.e2e.invalid";
const STARTUP_MS = 60_000;
const SCRAPE_JOB = "agents";

/** A PagerDuty routing key is 32 characters; ours spell the receiver, so a mix-up reads plainly. */
export function routingKey(receiver: string): string {
  return `key-${receiver}`.padEnd(32, "0").slice(0, 32);
}

/** The alert name a PagerDuty event is about: the rendered description starts with it. */
export const alertOf = (event: PagerDutyEvent): string => event.summary.split(" ")[0];
export const slackAlertOf = (message: SlackMessage): string => /\] (\S+) \(/.exec(message.text)?.[1] ?? "";
export const emailAlertOf = (email: Email): string => /\] (\S+)/.exec(email.subject)?.[1] ?? "";

/** Billing's customer info series: three customers of each vertical, one per tier. */
export const CUSTOMERS = { acme: "enterprise", bolt: "business", cora: "trial" } as const;
export function customerInfo(metrics: MetricsEndpoint, verticals: readonly string[]): void {
  for (const vertical of verticals) {
    for (const [customer, tier] of Object.entries(CUSTOMERS)) {
      metrics.set("callsphere_customer_info", { customer, vertical, tier }, 1);
    }
  }
}

export interface BackfilledCounter {
  name: string;
  labels: Labels;
  perSecond: number;
  /** Spans of history, as [from, to] in ms before now. */
  history: [number, number][];
}

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
/** The last hour and the same hour a week ago, each with an hour of margin: what `offset 1w` reads. */
export const HOUR_AND_WEEK_AGO: [number, number][] = [
  [WEEK + 2 * HOUR, WEEK - HOUR],
  [2 * HOUR, 1000],
];
/** A day of history: SLO windows up to a day then see a steady past, not just the test's minutes. */
export const LAST_DAY: [number, number][] = [[24 * HOUR + HOUR, 1000]];

export interface HarnessOptions {
  name: string;
  /** Business hours around the current moment, or away from it. */
  businessHours: "inside" | "outside";
  timings?: Timings;
  /** Counters given a steady history before Prometheus starts (see `BackfilledCounter.history`). */
  backfill?: BackfilledCounter[];
  /** Creates the scenario's series at healthy values, before Prometheus first scrapes. */
  seed?: (metrics: MetricsEndpoint) => void;
  /**
   * Alertmanagers peered by gossip into one cluster (default 1: clustering off). Each Prometheus
   * sends every alert to all of them, as kube-prometheus-stack's do.
   */
  alertmanagers?: number;
  /**
   * Prometheus replicas evaluating the same rules (default 1). With more than one, each carries
   * its own `prometheus_replica` external label and drops it from alerts before sending, as the
   * Prometheus Operator sets a pair up.
   */
  prometheusReplicas?: number;
  /** A cluster's `--cluster.peer-timeout`: how long each position waits behind the one before it. */
  peerTimeout?: string;
}

/** The external label the Prometheus Operator gives each replica (`replicaExternalLabelName`). */
export const REPLICA_LABEL = "prometheus_replica";
/** Gossip timings of the test cluster: a short peer timeout and settle, as Alertmanager 0.25 allows. */
export const CLUSTER_TIMINGS = {
  peerTimeout: "2s",
  gossipInterval: "100ms",
  pushpullInterval: "2s",
  settleTimeout: "5s",
};

/** One Alertmanager of the cluster: its ports stay the same across restarts, so peers find it again. */
interface AmNode {
  index: number;
  port: number;
  clusterPort: number;
  started?: Started;
  restarts: number;
}

/** One Prometheus replica. */
interface PromNode {
  index: number;
  port: number;
  started?: Started;
}

export interface ClusterStatus {
  name: string;
  status: string;
  peers: { name: string; address: string }[];
}

export interface AmAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every `*_file` value of the Alertmanager config: the files it will read. */
function referencedFiles(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) referencedFiles(item, into);
  else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key.endsWith("_file") && typeof inner === "string") into.push(inner);
      else referencedFiles(inner, into);
    }
  }
  return into;
}

export interface Rendered {
  dir: string;
  stdout: string;
  stderr: string;
}

/** `npm run render` in a child process, as users run it, without blocking the event loop. */
export async function renderStackAsync(stackFile: string, out: string, stack = "e2e"): Promise<Rendered> {
  const [command, prefix] = cliCommand("render");
  try {
    const { stdout, stderr } = await run(
      command,
      [...prefix, "--stack", stack, "--out", out, "--config", stackFile],
      // Generous: several renders may share two cores with the running binaries.
      { cwd: PROJECT_DIR, timeout: 240_000 },
    );
    return { dir: path.join(out, stack), stdout, stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`render failed: ${failed.stderr || failed.stdout || failed.message}`);
  }
}

export class Harness {
  readonly dir: string;
  readonly metrics = new MetricsEndpoint();
  readonly pagerduty = new PagerDutyStandIn();
  readonly slack = new SlackStandIn();
  readonly smtp = new SmtpStandIn();
  readonly heartbeat = new HeartbeatStandIn(HEARTBEAT_TOKEN);
  readonly timings: Timings;
  readonly secretDir: string;
  renderedDir = "";
  readonly ams: AmNode[];
  readonly proms: PromNode[];

  private constructor(readonly options: HarnessOptions) {
    this.dir = tempDir(`e2e-${options.name}`);
    this.secretDir = path.join(this.dir, "secrets");
    this.timings = options.timings ?? TEST_TIMINGS;
    this.ams = Array.from({ length: options.alertmanagers ?? 1 }, (_, index) => ({
      index,
      port: 0,
      clusterPort: 0,
      restarts: 0,
    }));
    this.proms = Array.from({ length: options.prometheusReplicas ?? 1 }, (_, index) => ({ index, port: 0 }));
  }

  get clustered(): boolean {
    return this.ams.length > 1;
  }

  static async start(options: HarnessOptions): Promise<Harness> {
    const harness = new Harness(options);
    try {
      await harness.boot();
      return harness;
    } catch (error) {
      await harness.stop().catch(() => undefined);
      throw error;
    }
  }

  /** The first Alertmanager's port: the only one without a cluster. */
  get amPort(): number {
    return this.ams[0].port;
  }

  get amUrl(): string {
    return this.amUrlOf(0);
  }

  amUrlOf(index: number): string {
    return `http://127.0.0.1:${this.ams[index].port}`;
  }

  get promUrl(): string {
    return this.promUrlOf(0);
  }

  promUrlOf(index: number): string {
    return `http://127.0.0.1:${this.proms[index].port}`;
  }

  endpoints(): Endpoints {
    return {
      pagerdutyUrl: this.pagerduty.enqueueUrl,
      smarthost: this.smtp.smarthost,
      heartbeatUrl: this.heartbeat.url,
      secretDir: this.secretDir,
    };
  }

  /** The e2e stack config: production's, with this harness's endpoints, timings and hours. */
  stackConfig(): StackConfigDoc {
    const hours = businessHoursWindow(new Date(), this.options.businessHours === "inside");
    return e2eStack(this.endpoints(), hours, this.timings);
  }

  /** Renders a stack config with the real render command into `out` (under the harness folder). */
  async render(doc: StackConfigDoc, out = "out"): Promise<Rendered> {
    const dir = path.join(this.dir, out);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "Pulumi.e2e.yaml");
    fs.writeFileSync(file, yaml.dump(doc, { lineWidth: -1 }));
    return renderStackAsync(file, dir, "e2e");
  }

  private async boot(): Promise<void> {
    fs.mkdirSync(this.secretDir);
    for (const standIn of [this.metrics, this.pagerduty, this.slack, this.smtp, this.heartbeat])
      await standIn.start();
    // Billing's info series is there from the start, as in production: without it every vertical's
    // customer-tier warning would fire.
    const doc = this.stackConfig();
    customerInfo(
      this.metrics,
      verticalsOf(doc).map((vertical) => String(vertical.id)),
    );
    this.options.seed?.(this.metrics);
    const rendered = await this.render(doc);
    this.renderedDir = rendered.dir;
    fs.copyFileSync(path.join(rendered.dir, "alertmanager.yaml"), this.amConfigFile);
    fs.mkdirSync(path.join(this.dir, "rules"));
    for (const file of fs.readdirSync(path.join(rendered.dir, "rules"))) {
      const text = fs.readFileSync(path.join(rendered.dir, "rules", file), "utf8");
      // The folder also holds promtool's unit tests of the rules (`*.test.yaml`): not rule files.
      if (!isRuleFile(text)) continue;
      fs.writeFileSync(path.join(this.dir, "rules", file), scaleRuleFile(text));
    }
    this.writeSecrets(rendered.dir);
    if (this.clustered) for (const am of this.ams) am.clusterPort = await freePort();
    for (const am of this.ams) await this.startAlertmanager(am.index);
    if (this.clustered) await this.waitForCluster();
    for (const prom of this.proms) {
      if (this.options.backfill?.length) await this.backfill(this.options.backfill, prom.index);
      await this.startPrometheus(prom.index);
    }
  }

  get amConfigFile(): string {
    return path.join(this.dir, "alertmanager.yaml");
  }

  amConfigText(): string {
    return fs.readFileSync(this.amConfigFile, "utf8");
  }

  /** Renders a changed stack config into `out` and returns the Alertmanager config it wrote. */
  async renderedConfig(doc: StackConfigDoc, out: string): Promise<string> {
    const rendered = await this.render(doc, out);
    return fs.readFileSync(path.join(rendered.dir, "alertmanager.yaml"), "utf8");
  }

  /**
   * Writes a test secret into each file the config names. Each must be a key of the Kubernetes
   * Secret the program declares, or production's Alertmanager would not find it either.
   */
  private writeSecrets(renderedDir: string): void {
    const config = yaml.load(fs.readFileSync(this.amConfigFile, "utf8"));
    const resources = JSON.parse(fs.readFileSync(path.join(renderedDir, "resources.json"), "utf8")) as {
      type: string;
      inputs: { stringData?: Record<string, unknown> };
    }[];
    const secretKeys = new Set(
      resources
        .filter((resource) => resource.type === "kubernetes:core/v1:Secret")
        .flatMap((resource) => Object.keys(resource.inputs.stringData ?? {})),
    );
    for (const file of new Set(referencedFiles(config))) {
      const name = path.basename(file);
      if (path.dirname(file) !== this.secretDir)
        throw new Error(`${file} is outside the Secret's mount path`);
      if (!secretKeys.has(name)) throw new Error(`the config reads ${name}, which no Secret declares`);
      fs.writeFileSync(file, this.secretFor(name));
    }
  }

  private secretFor(file: string): string {
    const pagerduty = /^pagerduty-(.+)\.key$/.exec(file);
    if (pagerduty) {
      const key = routingKey(pagerduty[1]);
      this.pagerduty.keys.set(key, pagerduty[1]);
      return key;
    }
    const slack = /^slack-(.+)\.url$/.exec(file);
    if (slack) return this.slack.webhookUrl(slack[1]);
    if (file === "smtp-password") return SMTP_PASSWORD;
    if (file === "heartbeat-token") return HEARTBEAT_TOKEN;
    throw new Error(`no test secret for ${file}`);
  }

  /** Starts a process on a free port, retrying with another port if it lost a race for it. */
  private async startOnFreePort(
    name: string,
    command: string,
    argsFor: (port: number) => string[],
    readyPath: string,
    fixedPort?: number,
  ): Promise<{ started: Started; port: number }> {
    for (let attempt = 1; ; attempt++) {
      const port = fixedPort ?? (await freePort());
      const log = path.join(this.dir, `${name}.log`);
      const started = startProcess(name, command, argsFor(port), log);
      let exited = false;
      void started.exited.then(() => {
        exited = true;
      });
      try {
        await waitFor(
          `${name} to be ready on port ${port}`,
          async () => {
            if (exited) throw new Error(`${name} exited:\n${tail(log)}`);
            const response = await fetch(`http://127.0.0.1:${port}${readyPath}`, {
              signal: AbortSignal.timeout(2000),
            }).catch(() => undefined);
            return response?.ok ? true : undefined;
          },
          STARTUP_MS,
          () => (exited ? `${name} exited:\n${tail(log)}` : tail(log, 10)),
        );
        return { started, port };
      } catch (error) {
        await stopProcess(started, "SIGKILL");
        const lostRace = /address already in use/.test(tail(log));
        if (fixedPort !== undefined || attempt >= 3 || !lostRace) throw error;
      }
    }
  }

  private amStorage(index: number): string {
    return path.join(this.dir, index === 0 ? "alertmanager-data" : `alertmanager-${index}-data`);
  }

  private amName(index: number): string {
    return this.clustered ? `alertmanager-${index}` : "alertmanager";
  }

  /** The flags that make a cluster: gossip on its own port, every other node as a peer. */
  private clusterFlags(index: number): string[] {
    if (!this.clustered) {
      // Cluster mode waits for peers before its first notification (about 10 s); one node needs none.
      return ["--cluster.listen-address="];
    }
    const peers = this.ams
      .filter((other) => other.index !== index)
      .map((other) => `--cluster.peer=127.0.0.1:${other.clusterPort}`);
    return [
      `--cluster.listen-address=127.0.0.1:${this.ams[index].clusterPort}`,
      `--cluster.advertise-address=127.0.0.1:${this.ams[index].clusterPort}`,
      ...peers,
      `--cluster.peer-timeout=${this.options.peerTimeout ?? CLUSTER_TIMINGS.peerTimeout}`,
      `--cluster.gossip-interval=${CLUSTER_TIMINGS.gossipInterval}`,
      `--cluster.pushpull-interval=${CLUSTER_TIMINGS.pushpullInterval}`,
      `--cluster.settle-timeout=${CLUSTER_TIMINGS.settleTimeout}`,
    ];
  }

  async startAlertmanager(index = 0): Promise<void> {
    const am = this.ams[index];
    const { started, port } = await this.startOnFreePort(
      this.amName(index),
      ALERTMANAGER,
      (port) => [
        `--config.file=${this.amConfigFile}`,
        `--storage.path=${this.amStorage(index)}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...this.clusterFlags(index),
        `--web.external-url=${EXTERNAL_URL}`,
      ],
      "/-/ready",
      // A restart keeps the port, so Prometheus keeps finding it.
      am.port || undefined,
    );
    am.started = started;
    am.port = port;
  }

  /** Alertmanager's view of its cluster: its own name, whether it settled, and its peers. */
  async clusterStatus(index: number): Promise<ClusterStatus> {
    const body = await getJson<{ cluster: ClusterStatus }>(`${this.amUrlOf(index)}/api/v2/status`);
    return { ...body.cluster, peers: body.cluster.peers ?? [] };
  }

  /** Waits until every running node sees all running nodes as peers and has settled. */
  async waitForCluster(timeoutMs = STARTUP_MS): Promise<void> {
    const running = this.ams.filter((am) => am.started);
    await waitFor(
      `the ${running.length} Alertmanagers to gossip as one cluster`,
      async () => {
        for (const am of running) {
          const status = await this.clusterStatus(am.index);
          if (status.status !== "ready" || status.peers.length !== running.length) return undefined;
        }
        return true;
      },
      timeoutMs,
      () => running.map((am) => tail(am.started?.log ?? "", 5)).join("\n"),
    );
  }

  /**
   * The order in which the running nodes would notify: Alertmanager sorts the members by name and
   * a node at position p waits p × peer timeout before sending what no earlier node has sent.
   */
  async notifyOrder(): Promise<number[]> {
    const names = new Map<string, number>();
    for (const am of this.ams.filter((node) => node.started))
      names.set((await this.clusterStatus(am.index)).name, am.index);
    return [...names.keys()].sort().map((name) => names.get(name) ?? -1);
  }

  /** Stops an Alertmanager (SIGTERM, as Kubernetes does; SIGKILL, as a node dies) and waits until it has exited. */
  async stopAlertmanager(index = 0, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    const am = this.ams[index];
    const started = am.started;
    if (!started) return null;
    am.started = undefined;
    await stopProcess(started, signal, 20_000);
    return started.exited;
  }

  async restartAlertmanager(index = 0): Promise<number | null> {
    const code = await this.stopAlertmanager(index);
    const am = this.ams[index];
    am.restarts++;
    const name = this.amName(index);
    fs.renameSync(path.join(this.dir, `${name}.log`), path.join(this.dir, `${name}.${am.restarts}.log`));
    await this.startAlertmanager(index);
    return code;
  }

  /** Writes a new config where Alertmanager reads it and asks it to reload. */
  async reloadAlertmanager(configText: string): Promise<void> {
    fs.writeFileSync(this.amConfigFile, configText);
    // Every node of a cluster reads the same file, as the pods of a StatefulSet mount one Secret.
    for (const am of this.ams.filter((node) => node.started)) {
      const response = await fetch(`${this.amUrlOf(am.index)}/-/reload`, {
        method: "POST",
        signal: AbortSignal.timeout(10_000),
      });
      // Alertmanager answers 200 only once the new config is loaded, 500 with the reason otherwise.
      if (!response.ok) throw new Error(`reload failed: ${response.status} ${await response.text()}`);
    }
  }

  /**
   * Gives counters a history at a steady rate with promtool's backfill; the metrics endpoint then
   * continues each counter from where its history ends. History is what an `offset 1w` baseline or
   * a long SLO window reads; without it they would see only the minutes of the test.
   */
  private async backfill(counters: BackfilledCounter[], replica = 0): Promise<void> {
    const now = Date.now();
    const origin = now - WEEK - 3 * HOUR;
    const lines: string[] = [];
    for (const counter of counters) {
      const valueAt = (at: number) => (counter.perSecond * (at - origin)) / 1000;
      // The labels the scrape will attach, so history and live samples are one series.
      const scraped = { ...counter.labels, job: SCRAPE_JOB, instance: this.metrics.target };
      const labels = Object.entries(scraped)
        .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
        .join(",");
      for (const [from, to] of counter.history) {
        for (let at = now - from; at <= now - to; at += 30_000) {
          lines.push(`${counter.name}{${labels}} ${valueAt(at)} ${(at / 1000).toFixed(3)}`);
        }
      }
      this.metrics.follow(counter.name, counter.labels, valueAt, counter.perSecond);
    }
    const input = path.join(this.dir, `backfill-${replica}.om`);
    fs.writeFileSync(input, `${lines.join("\n")}\n# EOF\n`);
    await run(PROMTOOL, ["tsdb", "create-blocks-from", "openmetrics", input, this.promDataDir(replica)], {
      timeout: 60_000,
    });
  }

  promDataDir(replica = 0): string {
    return path.join(this.dir, replica === 0 ? "prometheus-data" : `prometheus-${replica}-data`);
  }

  /** A replica's external label value, as the operator names its pods. */
  replicaName(replica: number): string {
    return `prometheus-e2e-${replica}`;
  }

  /**
   * Starts Prometheus without rules, waits for the first samples of its targets, then loads the
   * rules. Prometheus applies its first targets up to 5 s after it starts; with `for` scaled down,
   * HealthcareServiceDown (2m, so 4 s) would fire in that gap, page and inhibit healthcare: a
   * startup artefact production, with its real 2m, does not have.
   */
  async startPrometheus(replica = 0): Promise<void> {
    const rules = fs
      .readdirSync(path.join(this.dir, "rules"))
      .map((file) => path.join(this.dir, "rules", file));
    const alertmanagers = this.ams.map((am) => `127.0.0.1:${am.port}`);
    const pair = this.proms.length > 1;
    const config = {
      global: {
        scrape_interval: "1s",
        scrape_timeout: "1s",
        evaluation_interval: "1s",
        // What the operator gives each replica; dropped from alerts below, so both send one alert.
        ...(pair ? { external_labels: { [REPLICA_LABEL]: this.replicaName(replica) } } : {}),
      },
      rule_files: [] as string[],
      alerting: {
        ...(pair ? { alert_relabel_configs: [{ action: "labeldrop", regex: REPLICA_LABEL }] } : {}),
        // Every Alertmanager of the cluster: a replica that never heard an alert cannot take over.
        alertmanagers: [{ static_configs: [{ targets: alertmanagers }] }],
      },
      scrape_configs: [
        // The test's series carry their own labels (vertical, namespace, …): keep them.
        { job_name: SCRAPE_JOB, honor_labels: true, static_configs: [{ targets: [this.metrics.target] }] },
        {
          // Alertmanager's own metrics, which the alerts about the alerting read (notifications failed,
          // config reloads), as kube-prometheus-stack scrapes them.
          job_name: "alertmanager",
          static_configs: [{ targets: alertmanagers }],
        },
        {
          // The healthcare service is up; HealthcareServiceDown fires when no such target is.
          job_name: "healthcare-agent",
          metrics_path: "/up",
          static_configs: [{ targets: [this.metrics.target], labels: { namespace: "healthcare" } }],
        },
      ],
    };
    const name = pair ? `prometheus-${replica}` : "prometheus";
    const file = path.join(this.dir, `${name}.yml`);
    fs.writeFileSync(file, yaml.dump(config));
    const { started, port } = await this.startOnFreePort(
      name,
      PROMETHEUS,
      (port) => [
        `--config.file=${file}`,
        `--storage.tsdb.path=${this.promDataDir(replica)}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--web.enable-lifecycle",
        // Firing alerts are re-sent every second and expire 4 s after the last send, so a dead
        // Prometheus shows within seconds; by default it would take 4 minutes (4 × 1m).
        "--rules.alert.resend-delay=1s",
      ],
      "/-/ready",
    );
    this.proms[replica].started = started;
    this.proms[replica].port = port;
    const targets = config.scrape_configs.length + alertmanagers.length - 1;
    await waitFor(
      "Prometheus to scrape its targets",
      async () => ((await this.query("up == 1", replica)).length === targets ? true : undefined),
      STARTUP_MS,
      () => tail(started.log, 10),
    );
    fs.writeFileSync(file, yaml.dump({ ...config, rule_files: rules }));
    const reload = await fetch(`${this.promUrlOf(replica)}/-/reload`, {
      method: "POST",
      signal: AbortSignal.timeout(10_000),
    });
    if (!reload.ok) throw new Error(`Prometheus did not reload: ${await reload.text()}`);
    await waitFor(
      "Prometheus to evaluate every rule group",
      async () => {
        const { data } = await getJson<{ data: { groups: { lastEvaluation: string }[] } }>(
          `${this.promUrlOf(replica)}/api/v1/rules`,
        );
        const evaluated = data.groups.every((group) => !group.lastEvaluation.startsWith("0001"));
        return data.groups.length > 0 && evaluated ? true : undefined;
      },
      STARTUP_MS,
      () => tail(started.log, 10),
    );
  }

  /** Kills Prometheus outright (SIGKILL): no goodbye to Alertmanager. */
  async killPrometheus(replica = 0): Promise<void> {
    const started = this.proms[replica].started;
    if (!started) return;
    this.proms[replica].started = undefined;
    await stopProcess(started, "SIGKILL");
  }

  // --- Queries -------------------------------------------------------------------------------

  /** The scaled `for` of a rendered alert, in milliseconds. */
  forOf(vertical: string, alert: string): number {
    const text = fs.readFileSync(path.join(this.dir, "rules", `${vertical}.yaml`), "utf8");
    return ruleFor(text, alert);
  }

  async amAlerts(alertname: string, index = 0): Promise<AmAlert[]> {
    const filter = encodeURIComponent(`alertname="${alertname}"`);
    return getJson<AmAlert[]>(`${this.amUrlOf(index)}/api/v2/alerts?filter=${filter}`);
  }

  /**
   * Sends alerts straight to Alertmanager's API, as another Prometheus with rules that are not ours
   * (kube-prometheus-stack's) would: firing from now, for ten minutes unless sent again.
   */
  async postAlerts(alerts: Record<string, string>[]): Promise<void> {
    const now = Date.now();
    const body = alerts.map((labels) => ({
      labels,
      annotations: { summary: `${labels.alertname} (stock): ${JSON.stringify(labels)}` },
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 600_000).toISOString(),
    }));
    const response = await fetch(`${this.amUrl}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`Alertmanager refused the alerts: ${await response.text()}`);
  }

  /** The value of an instant PromQL query, one entry per series. */
  async query(
    expr: string,
    replica = 0,
  ): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const url = `${this.promUrlOf(replica)}/api/v1/query?query=${encodeURIComponent(expr)}`;
    const body = await getJson<{
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    }>(url);
    return body.data.result;
  }

  /** An alert's state in Prometheus: inactive, pending or firing. */
  async ruleState(alertname: string): Promise<string> {
    const result = await this.query(`ALERTS{alertname="${alertname}"}`);
    if (result.some((series) => series.metric.alertstate === "firing")) return "firing";
    return result.length > 0 ? "pending" : "inactive";
  }

  async createSilence(matchers: Record<string, string>, comment: string): Promise<string> {
    const now = Date.now();
    const body = {
      matchers: Object.entries(matchers).map(([name, value]) => ({
        name,
        value,
        isRegex: false,
        isEqual: true,
      })),
      startsAt: new Date(now - 1000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      createdBy: "e2e",
      comment,
    };
    const created = await getJson<{ silenceID: string }>(`${this.amUrl}/api/v2/silences`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return created.silenceID;
  }

  async silences(): Promise<{ id: string; status: { state: string } }[]> {
    return getJson(`${this.amUrl}/api/v2/silences`);
  }

  /** PagerDuty events PagerDuty accepted for an alert, optionally of one action and after a time. */
  pages(alertname: string, action?: string, after = 0): PagerDutyEvent[] {
    return this.pagerduty
      .accepted()
      .filter(
        (event) =>
          alertOf(event) === alertname && (!action || event.eventAction === action) && event.at >= after,
      );
  }

  async waitForPage(
    alertname: string,
    timeoutMs: number,
    action = "trigger",
    after = 0,
  ): Promise<PagerDutyEvent> {
    return waitFor(
      `a PagerDuty ${action} for ${alertname}`,
      () => this.pages(alertname, action, after)[0],
      timeoutMs,
      () => this.deliveries(),
    );
  }

  slackFor(alertname: string, status?: SlackMessage["status"]): SlackMessage[] {
    return this.slack.messages.filter(
      (message) => slackAlertOf(message) === alertname && (!status || message.status === status),
    );
  }

  emailsFor(alertname: string): Email[] {
    return this.smtp.emails.filter((email) => emailAlertOf(email) === alertname);
  }

  /** Everything delivered so far, one line each, for failure messages. */
  deliveries(): string {
    const at = (ms: number) => new Date(ms).toISOString().slice(11, 23);
    return [
      ...this.pagerduty.events.map(
        (event) =>
          `${at(event.at)} pagerduty ${event.status} ${event.eventAction} ` +
          `${event.receiver ?? event.routingKey} ${alertOf(event)}`,
      ),
      ...this.slack.messages.map(
        (message) => `${at(message.at)} slack ${message.team} ${message.text.split("\n")[0]}`,
      ),
      ...this.smtp.emails.map(
        (email) => `${at(email.at)} email ${email.recipients.join(",")} ${email.subject}`,
      ),
    ]
      .sort()
      .join("\n");
  }

  /** Prints a latency figure where the test report shows it. */
  figure(
    t: TestContext,
    scenario: string,
    crossedAt: number,
    deliveredAt: number,
    expectedMs: number,
  ): number {
    const ms = deliveredAt - crossedAt;
    t.diagnostic(
      `latency ${scenario}: ${(ms / 1000).toFixed(1)} s from threshold crossed to PagerDuty ` +
        `(for + evaluation + group_wait = ${(expectedMs / 1000).toFixed(1)} s, plus up to 1 s scrape)`,
    );
    return ms;
  }

  /** Stops every process and stand-in, then checks that no process of ours survived. */
  async stop(): Promise<void> {
    const started = [...this.proms, ...this.ams]
      .map((node) => node.started)
      .filter((s): s is Started => s !== undefined);
    for (const node of [...this.proms, ...this.ams]) node.started = undefined;
    for (const binary of started) await stopProcess(binary, "SIGTERM", 10_000);
    for (const standIn of [this.metrics, this.pagerduty, this.slack, this.smtp, this.heartbeat])
      await standIn.stop().catch(() => undefined);
    const survivors = processesMentioning(this.dir);
    const leaders = started.filter((binary) => groupAlive(binary.pgid));
    if (survivors.length > 0 || leaders.length > 0) {
      for (const pid of survivors) process.kill(pid, "SIGKILL");
      throw new Error(`processes survived the harness: ${survivors.join(", ")}`);
    }
    if (!process.env.E2E_KEEP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
