// The metrics endpoint Prometheus scrapes: series whose values the test sets, in the text exposition
// format. A counter is a base plus a rate since a moment, so it grows between scrapes as a real
// counter does, and `rate()` over it is what the test asked for.
import * as http from "node:http";
import type * as net from "node:net";

export type Labels = Readonly<Record<string, string>>;

interface Series {
  name: string;
  labels: Labels;
  base: number;
  perSecond: number;
  since: number;
  /** While set, the value is exposed with this timestamp (ms): see `setAt`. */
  stamp?: number;
}

/** How long a stamped value keeps its timestamp: past it, scrapes carry their own time again. */
const STAMP_HOLD_MS = 2000;

function seriesId(name: string, labels: Labels): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(labels[key])}`);
  return `${name}{${pairs.join(",")}}`;
}

export class MetricsEndpoint {
  port = 0;
  private readonly series = new Map<string, Series>();
  /** Whether the `/up` target answers: when not, Prometheus records `up` 0 for it, as for a dead service. */
  upTargetAnswers = true;
  private readonly server = http.createServer((request, response) => {
    // `/up` is an empty target: its only purpose is an `up` series carrying the target's labels.
    const text = request.url === "/metrics" ? this.exposition() : "";
    const status = request.url === "/up" && !this.upTargetAnswers ? 503 : 200;
    response.writeHead(status, { "content-type": "text/plain; version=0.0.4" });
    response.end(text);
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get target(): string {
    return `127.0.0.1:${this.port}`;
  }

  private entry(name: string, labels: Labels): Series {
    const id = seriesId(name, labels);
    let found = this.series.get(id);
    if (!found) {
      found = { name, labels, base: 0, perSecond: 0, since: Date.now() };
      this.series.set(id, found);
    }
    return found;
  }

  /** The value of a series at `at` (ms since the epoch). */
  value(name: string, labels: Labels, at = Date.now()): number {
    const series = this.entry(name, labels);
    return series.base + (series.perSecond * (at - series.since)) / 1000;
  }

  /** A gauge's value from now on. */
  set(name: string, labels: Labels, value: number): void {
    Object.assign(this.entry(name, labels), {
      base: value,
      perSecond: 0,
      since: Date.now(),
      stamp: undefined,
    });
  }

  /**
   * A gauge's value from `at`, a moment a little ahead, exposed with `at` as its timestamp: every
   * Prometheus that scrapes before then stores the new sample at `at`, so replicas evaluating at
   * the same phase see the change at the same evaluation, whatever their scrape phases. Without it
   * one replica of a pair may resolve an alert a second before the other, and Alertmanager takes
   * whichever copy came last.
   */
  setAt(name: string, labels: Labels, value: number, at: number): void {
    Object.assign(this.entry(name, labels), { base: value, perSecond: 0, since: at, stamp: at });
  }

  /** A counter grows by `perSecond` from now on, continuing from its current value. */
  setRate(name: string, labels: Labels, perSecond: number, now = Date.now()): void {
    const base = this.value(name, labels, now);
    Object.assign(this.entry(name, labels), { base, perSecond, since: now, stamp: undefined });
  }

  /** A counter that, at every instant, equals `valueAt(t)`; for series that were backfilled. */
  follow(name: string, labels: Labels, valueAt: (at: number) => number, perSecond: number): void {
    const now = Date.now();
    Object.assign(this.entry(name, labels), { base: valueAt(now), perSecond, since: now });
  }

  /** A counter jumps by `amount` now (a burst between two scrapes). */
  add(name: string, labels: Labels, amount: number): void {
    this.entry(name, labels).base += amount;
  }

  /**
   * A histogram's observation rate per bucket: `perBucket[i]` observations per second fall in
   * (bounds[i-1], bounds[i]], the last entry in (last bound, +Inf). Buckets are cumulative, as
   * Prometheus expects, and every bucket series exists from the first call.
   */
  setHistogramRates(name: string, labels: Labels, bounds: readonly number[], perBucket: readonly number[]) {
    const now = Date.now();
    let cumulative = 0;
    [...bounds.map(String), "+Inf"].forEach((le, i) => {
      cumulative += perBucket[i] ?? 0;
      this.setRate(`${name}_bucket`, { ...labels, le }, cumulative, now);
    });
    this.setRate(`${name}_count`, labels, cumulative, now);
  }

  exposition(at = Date.now()): string {
    const lines: string[] = [];
    for (const series of this.series.values()) {
      const labels = Object.entries(series.labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
      const stamped = series.stamp !== undefined && at < series.stamp + STAMP_HOLD_MS;
      const value = stamped ? series.base : series.base + (series.perSecond * (at - series.since)) / 1000;
      const time = stamped ? ` ${series.stamp}` : "";
      lines.push(`${series.name}${labels.length ? `{${labels.join(",")}}` : ""} ${value}${time}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
