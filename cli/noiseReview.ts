// `npm run noise-review -- --stack <name> --prometheus <url> [--from <ISO>] [--to <ISO>]
//   [--step <duration>] [--pagerduty-api <url>] --out <dir>`
// The weekly alert-noise review: reads what fired from Prometheus and what people did from
// PagerDuty, routes each firing with the stack's config, and writes noise-review.json, .md and the
// pages-per-team.svg chart into <dir>. Everything is read before anything is written.
import * as fs from "node:fs";
import * as path from "node:path";
import yaml from "js-yaml";
import { parseDuration } from "../core/duration";
import { ValidationError } from "../core/errors";
import { compileRouting } from "../pipeline/compile";
import { stackFilePath } from "../pipeline/projectFiles";
import { pagesPerTeamSvg } from "../render/noiseChart";
import { renderNoiseMarkdown } from "../render/noiseReview";
import type { AlertSeries } from "../review/noise";
import type { PagerDutyIncident, PagerDutyLogEntry } from "../review/noiseIncidents";
import { reviewNoise } from "../review/noiseReport";
import { readStackFile } from "./stackFile";

const USAGE =
  "usage: npm run noise-review -- --stack <name> --prometheus <url> [--from <ISO time>] [--to <ISO time>] [--step <duration>] [--pagerduty-api <url>] --out <dir>";

const DAY_MS = 86_400_000;
/** A month of pages is already more than one meeting reads; longer windows are refused. */
const MAX_WINDOW_DAYS = 31;
/** Prometheus answers at most 11,000 points per series in one range query; stay well under. */
const POINTS_PER_QUERY = 10_000;
const PAGE_LIMIT = 100;
const REQUEST_TIMEOUT_MS = 60_000;

class UsageError extends Error {}
class ReviewError extends Error {}

export interface NoiseReviewOptions {
  stack: string;
  prometheus: URL;
  from: Date;
  to: Date;
  stepSeconds?: number;
  pagerdutyApi?: URL;
  out: string;
}

function parseTime(flag: string, text: string): Date {
  // Without an offset the instant would depend on this machine's zone.
  if (!/(Z|[+-]\d\d:\d\d)$/.test(text)) {
    throw new UsageError(`${flag} "${text}" needs a time zone: end it with Z or an offset like -05:00`);
  }
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new UsageError(`${flag} "${text}" is not an ISO 8601 time`);
  return at;
}

function parseUrl(flag: string, text: string, credentials: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag} "${text}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${flag} "${text}" must be an http:// or https:// URL`);
  }
  if (url.username || url.password) {
    throw new UsageError(
      `${flag} carries a credential in the URL; set ${credentials} in the environment instead`,
    );
  }
  return url;
}

export function parseNoiseReviewArgs(argv: string[], now = new Date()): NoiseReviewOptions {
  const values = new Map<string, string>();
  const flags = ["--stack", "--prometheus", "--from", "--to", "--step", "--pagerduty-api", "--out"];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!flags.includes(arg)) throw new UsageError(`unknown argument "${arg}"`);
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${arg} needs a value`);
    values.set(arg, value);
  }
  const prometheus = values.get("--prometheus");
  if (!prometheus) throw new UsageError("--prometheus <url> is required");
  const out = values.get("--out");
  if (!out) throw new UsageError("--out <dir> is required");
  const to = values.has("--to") ? parseTime("--to", values.get("--to") as string) : now;
  const from = values.has("--from")
    ? parseTime("--from", values.get("--from") as string)
    : new Date(to.getTime() - 7 * DAY_MS);
  if (from.getTime() === to.getTime()) throw new UsageError("the window is empty: --from equals --to");
  if (from > to) throw new UsageError(`--from ${from.toISOString()} is after --to ${to.toISOString()}`);
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    throw new UsageError(
      `the window is longer than ${MAX_WINDOW_DAYS} days; review at most a month at a time`,
    );
  }
  let stepSeconds: number | undefined;
  if (values.has("--step")) {
    const step = parseDuration(values.get("--step") as string);
    if (step === undefined || step <= 0) {
      throw new UsageError(`--step "${values.get("--step")}" is not a duration above zero (like 30s or 1m)`);
    }
    stepSeconds = step;
  }
  const pagerduty = values.get("--pagerduty-api");
  return {
    stack: values.get("--stack") ?? "prod",
    prometheus: parseUrl(
      "--prometheus",
      prometheus,
      "PROMETHEUS_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD",
    ),
    from,
    to,
    ...(stepSeconds !== undefined ? { stepSeconds } : {}),
    ...(pagerduty ? { pagerdutyApi: parseUrl("--pagerduty-api", pagerduty, "PAGERDUTY_TOKEN") } : {}),
    out,
  };
}

/** GET a JSON document; any failure becomes one line naming the service and the URL, never a secret. */
async function getJson(service: string, url: URL, headers: Record<string, string>): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new ReviewError(`${service} at ${url.origin} is unreachable: ${reason}`);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ReviewError(
      `${service} answered ${response.status} to GET ${url.pathname}: ${text.slice(0, 200).trim()}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ReviewError(`${service} answered GET ${url.pathname} with something other than JSON`);
  }
}

function endpoint(base: URL, pathname: string, params: Record<string, string | number>): URL {
  const url = new URL(`${base.pathname.replace(/\/$/, "")}${pathname}`, base);
  for (const [key, value] of Object.entries(params)) url.searchParams.append(key, String(value));
  return url;
}

function prometheusHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  if (env.PROMETHEUS_TOKEN) return { authorization: `Bearer ${env.PROMETHEUS_TOKEN}` };
  if (env.PROMETHEUS_USERNAME) {
    const basic = Buffer.from(`${env.PROMETHEUS_USERNAME}:${env.PROMETHEUS_PASSWORD ?? ""}`).toString(
      "base64",
    );
    return { authorization: `Basic ${basic}` };
  }
  return {};
}

interface PromResponse<T> {
  status: string;
  data: T;
  error?: string;
}

/** The rule evaluation interval, from Prometheus' own config: the step firings are read at. */
async function evaluationInterval(base: URL, headers: Record<string, string>): Promise<number> {
  const body = (await getJson(
    "Prometheus",
    endpoint(base, "/api/v1/status/config", {}),
    headers,
  )) as PromResponse<{
    yaml: string;
  }>;
  const config = yaml.load(body.data?.yaml ?? "") as
    | { global?: { evaluation_interval?: string } }
    | undefined;
  // Prometheus' default when its config names none.
  return parseDuration(config?.global?.evaluation_interval ?? "1m") ?? 60;
}

/**
 * `ALERTS{alertstate="firing"}` over the window, one query per 10,000 steps. `last_over_time` over a
 * step less a millisecond (Prometheus 2.42's ranges include both ends) sees, at each query point,
 * the one evaluation of the step before it: a missed evaluation is a gap even in data without
 * staleness markers (after a restart, or in imported blocks), where a plain selector would look back
 * five minutes.
 */
async function readFirings(
  options: NoiseReviewOptions,
  stepSeconds: number,
  headers: Record<string, string>,
) {
  const series: AlertSeries[] = [];
  const stepMs = stepSeconds * 1000;
  const chunkMs = POINTS_PER_QUERY * stepMs;
  for (let start = options.from.getTime(); start <= options.to.getTime(); start += chunkMs) {
    const end = Math.min(start + chunkMs - stepMs, options.to.getTime());
    const url = endpoint(options.prometheus, "/api/v1/query_range", {
      query: `last_over_time(ALERTS{alertstate="firing"}[${stepSeconds * 1000 - 1}ms])`,
      start: start / 1000,
      end: end / 1000,
      step: stepSeconds,
    });
    const body = (await getJson("Prometheus", url, headers)) as PromResponse<{
      resultType: string;
      result: { metric: Record<string, string>; values: [number, string][] }[];
    }>;
    if (body.status !== "success" || body.data?.resultType !== "matrix") {
      throw new ReviewError(
        `Prometheus refused the query of ALERTS: ${body.error ?? "no matrix in its answer"}`,
      );
    }
    for (const result of body.data.result) {
      series.push({ labels: result.metric, timestamps: result.values.map(([at]) => Math.round(at * 1000)) });
    }
  }
  return series;
}

/** Every page of a PagerDuty list (`offset`, `limit`, `more`). */
async function pagerdutyList<T>(
  base: URL,
  pathname: string,
  key: string,
  params: Record<string, string | number>,
  headers: Record<string, string>,
): Promise<T[]> {
  const items: T[] = [];
  // The next page starts after what this one held: PagerDuty may answer with fewer than asked.
  for (let offset = 0; ; offset = items.length) {
    const url = endpoint(base, pathname, { ...params, limit: PAGE_LIMIT, offset });
    const body = (await getJson("PagerDuty", url, headers)) as Record<string, unknown>;
    const page = body[key];
    if (!Array.isArray(page))
      throw new ReviewError(`PagerDuty's answer to GET ${pathname} holds no ${key} list`);
    items.push(...(page as T[]));
    if (body.more !== true || page.length === 0) return items;
  }
}

async function readIncidents(
  options: NoiseReviewOptions,
  api: URL,
  token: string,
): Promise<PagerDutyIncident[]> {
  const headers = {
    accept: "application/vnd.pagerduty+json;version=2",
    authorization: `Token token=${token}`,
  };
  const incidents = await pagerdutyList<Omit<PagerDutyIncident, "log_entries">>(
    api,
    "/incidents",
    "incidents",
    { since: options.from.toISOString(), until: options.to.toISOString(), time_zone: "UTC" },
    headers,
  );
  const withEntries: PagerDutyIncident[] = [];
  for (const incident of incidents) {
    const entries = await pagerdutyList<PagerDutyLogEntry>(
      api,
      `/incidents/${encodeURIComponent(incident.id)}/log_entries`,
      "log_entries",
      { time_zone: "UTC", is_overview: "false" },
      headers,
    );
    withEntries.push({ ...incident, log_entries: entries });
  }
  return withEntries;
}

export async function runNoiseReview(options: NoiseReviewOptions, env: NodeJS.ProcessEnv): Promise<string[]> {
  const token = env.PAGERDUTY_TOKEN;
  if (options.pagerdutyApi && !token) {
    throw new UsageError("--pagerduty-api needs a PagerDuty REST API token in PAGERDUTY_TOKEN");
  }
  const stackFile = readStackFile(stackFilePath(options.stack));
  const { plan, alertmanager } = compileRouting({
    stack: options.stack,
    stackFile: stackFile.file,
    config: stackFile.values,
  });
  const headers = prometheusHeaders(env);
  const stepSeconds = options.stepSeconds ?? (await evaluationInterval(options.prometheus, headers));
  const series = await readFirings(options, stepSeconds, headers);
  const incidents =
    options.pagerdutyApi && token ? await readIncidents(options, options.pagerdutyApi, token) : undefined;
  const report = reviewNoise({
    plan,
    config: alertmanager.config,
    window: { from: options.from, to: options.to },
    stepSeconds,
    series,
    ...(incidents ? { incidents } : {}),
  });
  const files: [string, string][] = [
    ["noise-review.json", `${JSON.stringify(report, null, 2)}\n`],
    ["noise-review.md", renderNoiseMarkdown(report)],
    ["pages-per-team.svg", await pagesPerTeamSvg(report)],
  ];
  fs.mkdirSync(options.out, { recursive: true });
  for (const [name, text] of files) fs.writeFileSync(path.join(options.out, name), text);
  return files.map(([name]) => path.join(options.out, name));
}

async function main(): Promise<void> {
  if (process.argv.includes("--help")) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  try {
    const options = parseNoiseReviewArgs(process.argv.slice(2));
    const written = await runNoiseReview(options, process.env);
    process.stdout.write(`${written.map((file) => `wrote ${file}`).join("\n")}\n`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`noise-review: ${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    if (error instanceof ReviewError) {
      process.stderr.write(`noise-review: ${error.message}\n`);
      process.exit(1);
    }
    if (error instanceof ValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

if (require.main === module) void main();
